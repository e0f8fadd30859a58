package org.sessionserver;

/** Placeholder entry point (being written). */
public final class Main {
    public static void main(String[] args) {
    }
}
