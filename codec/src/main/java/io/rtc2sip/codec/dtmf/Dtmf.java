package io.rtc2sip.codec.dtmf;

/**
 * The sixteen DTMF digits: their RFC 4733 event codes and their keypad frequencies
 * (ITU-T Q.23). Digits are the characters 0-9, *, #, A-D.
 */
public final class Dtmf {

    public static final int[] ROW_HZ = {697, 770, 852, 941};
    public static final int[] COLUMN_HZ = {1209, 1336, 1477, 1633};
    private static final String KEYPAD = "123A456B789C*0#D";
    private static final String BY_EVENT = "0123456789*#ABCD";

    private Dtmf() {
    }

    /** The RFC 4733 event code of a digit (0-15), or -1 if it is not a DTMF digit. */
    public static int event(char digit) {
        return BY_EVENT.indexOf(Character.toUpperCase(digit));
    }

    /** The digit of an RFC 4733 event code 0-15, or 0 for any other event. */
    public static char digit(int event) {
        return event >= 0 && event < 16 ? BY_EVENT.charAt(event) : 0;
    }

    /** Index 0-3 of the digit's row. */
    static int row(char digit) {
        return KEYPAD.indexOf(Character.toUpperCase(digit)) / 4;
    }

    /** Index 0-3 of the digit's column. */
    static int column(char digit) {
        return KEYPAD.indexOf(Character.toUpperCase(digit)) % 4;
    }

    static char keypad(int row, int column) {
        return KEYPAD.charAt(row * 4 + column);
    }

    static void requireDigit(char digit) {
        if (event(digit) < 0) {
            throw new IllegalArgumentException("not a DTMF digit: " + digit);
        }
    }
}
