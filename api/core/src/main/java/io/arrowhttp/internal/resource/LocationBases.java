package io.arrowhttp.internal.resource;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The base URIs a catalog entry's locations are built on: this server's own, for the dataset's
 * {@code location}, and one per member of its group, for the endpoints.
 *
 * @param own the base clients reached this server at, or its configured public base
 * @param members the public bases of every server of the group, this one included; just
 *     {@code own} when there is no group
 */
record LocationBases(URI own, List<URI> members) {

    LocationBases {
        members = List.copyOf(members);
    }

    /** A server alone: every location on {@code own}. */
    static LocationBases alone(URI own) {
        return new LocationBases(own, List.of(own));
    }

    /**
     * Endpoint {@code index}'s bases: every member's, starting with member {@code index} modulo
     * their number, so that clients that begin with each endpoint's first location spread the
     * endpoints over the members, and fall back on the next.
     */
    List<URI> forEndpoint(int index) {
        List<URI> rotated = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            rotated.add(members.get((index + i) % members.size()));
        }
        return rotated;
    }
}
