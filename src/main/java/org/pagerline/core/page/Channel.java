package org.pagerline.core.page;

/** How a page reaches a person. */
public enum Channel { VOICE, SMS }
