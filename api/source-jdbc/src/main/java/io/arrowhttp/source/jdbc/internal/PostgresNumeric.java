package io.arrowhttp.source.jdbc.internal;

import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's binary {@code numeric}: the count of base-10000 digits, the weight of the first
 * (its power of 10000), the sign, the display scale, then the digits, each a 16-bit integer.
 */
final class PostgresNumeric {

    private static final int NEGATIVE = 0x4000;

    private PostgresNumeric() {}

    static void write(DataOutputStream out, BigDecimal value) throws IOException {
        BigDecimal magnitude = value.abs();
        int scale = Math.max(value.scale(), 0);
        String plain = magnitude.setScale(scale).toPlainString();
        int dot = plain.indexOf('.');
        String whole = (dot < 0 ? plain : plain.substring(0, dot)).replaceFirst("^0+", "");
        String fraction = dot < 0 ? "" : plain.substring(dot + 1);
        int wholeGroups = (whole.length() + 3) / 4;
        String digits = "0".repeat(wholeGroups * 4 - whole.length())
                + whole
                + fraction
                + "0".repeat((4 - fraction.length() % 4) % 4);
        List<Integer> groups = new ArrayList<>();
        for (int i = 0; i < digits.length(); i += 4) {
            groups.add(Integer.parseInt(digits.substring(i, i + 4)));
        }
        int weight = wholeGroups - 1;
        while (!groups.isEmpty() && groups.get(0) == 0) {
            groups.remove(0);
            weight--;
        }
        while (!groups.isEmpty() && groups.get(groups.size() - 1) == 0) {
            groups.remove(groups.size() - 1);
        }
        if (groups.isEmpty()) {
            weight = 0;
        }
        out.writeInt(8 + 2 * groups.size());
        out.writeShort(groups.size());
        out.writeShort(weight);
        out.writeShort(value.signum() < 0 ? NEGATIVE : 0);
        out.writeShort(scale);
        for (int group : groups) {
            out.writeShort(group);
        }
    }
}
