package org.pagerline.core.roster;

public enum ShiftUnit { HOURS, DAYS, WEEKS }
