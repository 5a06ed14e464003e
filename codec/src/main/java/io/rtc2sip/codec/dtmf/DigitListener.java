package io.rtc2sip.codec.dtmf;

/** Told once per DTMF digit received (out of band or in band). */
@FunctionalInterface
public interface DigitListener {

    void onDigit(char digit);
}
