package org.pagerline.boot;
public final class Main { public static void main(String[] a) {} }
