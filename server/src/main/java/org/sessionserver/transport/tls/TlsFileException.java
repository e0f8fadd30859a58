package org.sessionserver.transport.tls;

/**
 * A certificate or key file that cannot serve: unreadable, not PEM, not matching each other, expired. The message is
 * one line, fit to print as the reason the server did not start or kept its old certificate.
 */
public final class TlsFileException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Which of the two files is to blame; the certificate when it is their pairing. */
    public enum Culprit { CERTIFICATE, KEY }

    private final Culprit culprit;

    public TlsFileException(Culprit culprit, String reason) {
        super(reason, null, false, false);
        this.culprit = culprit;
    }

    public Culprit culprit() {
        return culprit;
    }
}
