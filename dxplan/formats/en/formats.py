"""English date formats without a trailing period, so a sentence ending in a date or time
does not read 「…, 11:56 p.m..」 (Django's default 'P' ends in "p.m."): 24-hour times."""

DATETIME_FORMAT = "N j, Y, H:i"
TIME_FORMAT = "H:i"
