package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.internal.SecureBoundary;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SmallPiecesTest {

    @Test
    void boundariesAre38Base64UrlCharactersAndNeverRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String boundary = SecureBoundary.next();
            assertTrue(boundary.matches("[A-Za-z0-9_-]{38}"), boundary);
            assertTrue(seen.add(boundary));
        }
    }

    @Test
    void wholeNumberParameterWithinRangeIsAccepted() {
        DatasetRequest request = DatasetRequest.of(Map.of("rows", List.of(" 42 ")));
        assertEquals(42, request.longParameter("rows", 7, 1, 100));
        assertEquals(7, DatasetRequest.of(Map.of()).longParameter("rows", 7, 1, 100));
    }

    @Test
    void malformedOrOutOfRangeParametersAreInvalidArguments() {
        for (String bad : List.of(
                "0", "-1", "101", "abc", "1e3", "", "99999999999999999999", "+3", "\u0663", "\uff13", "3\u00a0")) {
            DatasetRequest request = DatasetRequest.of(Map.of("rows", List.of(bad)));
            ArrowHttpException e =
                    assertThrows(ArrowHttpException.class, () -> request.longParameter("rows", 7, 1, 100), bad);
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
            assertTrue(e.getMessage().contains("'rows' must be a whole number from 1 to 100"), e.getMessage());
        }
    }

    @Test
    void aNumberGivenTwiceIsAmbiguousAndRefused() {
        DatasetRequest request = DatasetRequest.of(Map.of("rows", List.of("3", "50")));
        ArrowHttpException e = assertThrows(ArrowHttpException.class, () -> request.longParameter("rows", 7, 1, 100));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("may be given once"), e.getMessage());
    }

    @Test
    void presenceOfAParameterWithoutValueCounts() {
        DatasetRequest request = DatasetRequest.of(Map.of("include_footnotes", List.of("")));
        assertTrue(request.has("include_footnotes"));
        assertFalse(request.has("rows"));
    }
}
