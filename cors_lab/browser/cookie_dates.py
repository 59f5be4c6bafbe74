"""How each browser reads the date of a cookie's ``Expires`` attribute: seconds since the epoch, or None.

None means the browser cannot read the date, so it ignores the attribute and the cookie lasts until the browser
closes. The two browsers read different dates (recorded from both, with a past date in each form):

=======================================================  ==============  =================
``Expires=``                                             Chromium 156    Firefox 153 ESR
=======================================================  ==============  =================
``Wed, 09 Jun 2021 10:18:14 GMT`` (and ``09-Jun-2021``)  read           read
``Wed Jun 09 2021 10:18:14 GMT+0000 (...)`` (JS's Date)  read           read
``Thu, 01 Jan 69 00:00:01 GMT``                          2069            2069
``9 Jun 2021`` (no time)                                 not read        read (midnight)
``06/09/2021 10:18:14 GMT``                              not read        read (June 9)
``2021-06-09T10:18:14Z``, ``1623233894``                 not read        not read
``Wed, 09 Jun 1600 ...`` / ``... 99999 ...``             past / future   past / not read
=======================================================  ==============  =================

`chromium_date` follows Chromium's net/cookies/cookie_util.cc ParseCookieExpiryTime: tokens split at punctuation,
a month name, a day of one or two digits, a year of up to five, and a time H:M:S are all required. `nspr_date`
follows NSPR's PR_ParseTimeString (nsprpub/pr/src/misc/prtime.c), which Firefox's CookieParser calls: a much looser
reader (no time needed, 6/9/2021, time zone names, am/pm), GMT when no zone is given.
"""
from __future__ import annotations

import re

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_CHROMIUM_DELIMITERS = re.compile(r"[\t !\"#$%&'()*+,\-./;<=>?@\[\\\]^_`{|}~]+")
_CHROMIUM_TIME = re.compile(r"([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})")
_LEADING_DIGITS = re.compile(r"[0-9]*")


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date, for any year (month 1-12)."""
    year -= month <= 2
    era = (year if year >= 0 else year - 399) // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def chromium_date(text: str) -> float | None:
    """Chromium's ParseCookieExpiryTime. A two-digit year is 19xx from 70, 20xx below; a year before 1601 is the
    earliest time (so the cookie is expired: recorded with 1600); an impossible date (31 June, 25:00) is not read."""
    day = month = year = None
    clock = None
    for token in _CHROMIUM_DELIMITERS.split(text):
        if not token:
            continue
        if not token[0].isascii() or not token[0].isdigit():
            if month is None and len(token) >= 3 and token[:3].lower() in _MONTHS:
                month = _MONTHS.index(token[:3].lower()) + 1
        elif ":" in token:
            match = _CHROMIUM_TIME.match(token)
            if clock is None and match:
                clock = tuple(int(part) for part in match.groups())
        elif day is None and len(token) <= 2:
            day = int(_LEADING_DIGITS.match(token).group() or 0)
        elif year is None and len(token) <= 5:
            year = int(_LEADING_DIGITS.match(token).group() or 0)
    if day is None or month is None or year is None or clock is None:
        return None
    year += 1900 if 70 <= year <= 99 else 2000 if 0 <= year <= 69 else 0
    hour, minute, second = clock
    if not 1 <= day <= 31 or hour > 23 or minute > 59 or second > 59:
        return None
    if year < 1601:
        return float("-inf")
    if day > _days_in_month(year, month):
        return None
    return _days_from_civil(year, month, day) * 86400.0 + hour * 3600 + minute * 60 + second


# PR_ParseTimeString's words: three letters at the start of a token (months, weekdays, zones with their offsets
# from GMT in minutes and their daylight saving minutes)
_NSPR_MONTHS = {name: number for number, name in enumerate(_MONTHS, start=1)}
_NSPR_WEEKDAYS = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
_NSPR_ZONES = {"pst": (-480, 0), "pdt": (-480, 60), "mst": (-420, 0), "mdt": (-420, 60), "cst": (-360, 0),
               "cdt": (-360, 60), "est": (-300, 0), "edt": (-300, 60), "ast": (-240, 0), "nst": (-210, 0),
               "gmt": (0, 0), "bst": (0, 60), "met": (60, 0), "eet": (120, 0), "jst": (540, 0)}
_NSPR_TOKEN_END = " \t,;-+/()[]"
_NSPR_SKIPPED = " \t,;/()[]"


def nspr_date(text: str) -> float | None:
    """NSPR's PR_ParseTimeString(text, default_to_gmt=True), as Firefox reads Expires: a month (a name, or a
    number in d/m/y forms), a day and a year are required; the time defaults to midnight, the zone to GMT; a year
    over 32767 is not read. Ported token by token from prtime.c, quirks included (``10:18`` without seconds takes
    its seconds from the character that follows)."""
    scan = _Scan(text)
    found = {"weekday": None, "month": None, "zone": None, "zone_offset": None,
             "date": -1, "year": -1, "hour": -1, "minute": -1, "second": -1}
    iterations = 0
    while scan.i < scan.size:
        iterations += 1
        if iterations > 1000:
            return None
        i = scan.i
        if scan.letter(i):
            word = text[i:i + 3].lower()
            if word in _NSPR_MONTHS and found["month"] is None:
                found["month"] = _NSPR_MONTHS[word]
            elif word in _NSPR_WEEKDAYS and found["weekday"] is None:
                found["weekday"] = word
            elif word in _NSPR_ZONES and found["zone"] is None:
                found["zone"] = word
            elif word[:2] == "ut" and not scan.letter(i + 2) and found["zone"] is None:  # UT is GMT, UTC is not
                found["zone"] = "gmt"
        elif text[i] in "+-":
            _nspr_zone_offset(scan, found)
        elif scan.digit(i):
            _nspr_number(scan, found)
        scan.next_token(found["year"])
    month, date, year = found["month"], found["date"], found["year"]
    if month is None or date == -1 or year == -1 or year > 32767:
        return None
    zone, offset, dst = found["zone"], found["zone_offset"], 0
    if zone is None:
        offset = 0  # default_to_gmt
    elif offset is None:
        offset, dst = _NSPR_ZONES[zone]
    month_index = month - 1  # PR_NormalizeTime: month 0 is December of the year before, day 32 the next month
    year += month_index // 12
    days = _days_from_civil(year, month_index % 12 + 1, 1) + date - 1
    hour, minute, second = (0 if found[name] == -1 else found[name] for name in ("hour", "minute", "second"))
    return days * 86400.0 + hour * 3600 + minute * 60 + second - (offset + dst) * 60


class _Scan:
    """Where PR_ParseTimeString is in the string, and its character tests (C's NUL past the end)."""

    def __init__(self, text: str):
        self.text, self.size, self.i = text, len(text), 0

    def at(self, k: int) -> str:
        return self.text[k] if 0 <= k < self.size else "\0"

    def digit(self, k: int) -> bool:
        return "0" <= self.at(k) <= "9"

    def letter(self, k: int) -> bool:
        return self.at(k).isascii() and self.at(k).isalpha()

    def next_token(self, year: int) -> None:
        """To the end of this token, then past what separates tokens (a '-' too, unless it may start a zone
        offset or a year)."""
        while self.i < self.size and self.text[self.i] not in _NSPR_TOKEN_END:
            self.i += 1
        while True:
            while self.i < self.size and self.text[self.i] in _NSPR_SKIPPED:
                self.i += 1
            if self.at(self.i) == "-" and ((self.i > 0 and self.letter(self.i - 1) and year < 0)
                                           or not self.digit(self.i + 1)):
                self.i += 1
                continue
            return


def _nspr_zone_offset(scan: _Scan, found: dict) -> None:
    """``+HHMM``, ``-HH`` or ``+H`` after no zone or GMT (prtime.c's case '+', '-')."""
    if found["zone_offset"] is not None or found["zone"] not in (None, "gmt"):  # already one; PST+0300 is not
        scan.i += 1
        return
    sign = 1 if scan.at(scan.i) == "+" else -1
    scan.i += 1
    end = scan.i
    while scan.digit(end):
        end += 1
    digits = scan.text[scan.i:end]
    if len(digits) in (1, 2, 4):
        hours, minutes = (digits[:2], digits[2:]) if len(digits) == 4 else (digits, "0")
        found["zone_offset"], found["zone"] = sign * (int(hours) * 60 + int(minutes)), "gmt"


def _nspr_number(scan: _Scan, found: dict) -> None:
    """A token starting with a digit (prtime.c's case '0'...'9'): a time, a d/m/y date, a year or a day."""
    text, i = scan.text, scan.i
    end = i + 1
    while scan.digit(end):
        end += 1
    if scan.at(end) == ":":
        _nspr_time(scan, found, end)
    elif scan.at(end) in "/-" and scan.digit(end + 1):
        _nspr_numeric_date(scan, found)
    elif scan.letter(end):  # digits followed by letters: nothing
        return
    elif end - i in (4, 5):
        if found["year"] < 0:
            found["year"] = int(text[i:end])
    elif end - i == 2:
        number = int(text[i:end])
        if found["date"] < 0 and number < 32:
            found["date"] = number
        elif found["year"] < 0:
            found["year"] = number + (2000 if number < 70 else 1900)
    elif end - i == 1 and found["date"] < 0:
        found["date"] = int(text[i])


def _nspr_time(scan: _Scan, found: dict, end: int) -> None:
    """H[H]:M[M][:S[S]], then am or pm."""
    text, i = scan.text, scan.i
    if (found["hour"] >= 0 and found["minute"] >= 0) or end - i > 2:
        return
    hour = int(text[i:end])
    scan.i = i = end = end + 1
    while scan.digit(end):
        end += 1
    if end == i or end - i > 2:
        return
    minute = int(text[i:end])
    scan.i = i = end
    if scan.at(i) == ":":
        scan.i = i = i + 1
    end = i
    while scan.digit(end):
        end += 1
    if end - i > 2:
        return
    second = int(text[i:end]) if end > i else ord(scan.at(i)) - ord("0")  # prtime.c reads the next character
    if hour <= 12:
        k = end
        while scan.at(k) in " \t":
            k += 1
        if scan.at(k) in "pP" and scan.at(k + 1) in "mM":
            hour = 12 if hour == 12 else hour + 12
        elif hour == 12 and scan.at(k) in "aA" and scan.at(k + 1) in "mM":
            hour = 0
    found.update(hour=hour, minute=minute, second=second)
    scan.i = end


def _nspr_numeric_date(scan: _Scan, found: dict) -> None:
    """6/16/95, 16/6/95, 6-16-95 or 95-06-05: which number is which is decided by their sizes."""
    if found["month"] is not None:  # a month name came first: this is no date
        return
    text, p = scan.text, scan.i
    numbers = []
    for position in range(3):
        if position:
            if scan.at(p) not in "/-" or not scan.digit(p + 1):
                return
            p += 1
        start = p
        p += 1
        if scan.digit(p):
            p += 1
        if position == 2 and scan.digit(p):  # the third may have 4 or 5 digits
            p += 1
            if not scan.digit(p):
                return
            p += 1
            if scan.digit(p):
                p += 1
        numbers.append(int(text[start:p]))
    if scan.digit(p) or scan.letter(p):
        return
    n1, n2, n3 = numbers
    if n1 > 31 or n1 == 0:  # YY/MM/DD
        if n2 > 12 or n3 > 31:
            return
        found.update(year=n1 + (2000 if n1 < 70 else 1900 if n1 < 100 else 0), month=n2, date=n3)
        scan.i = p
        return
    scan.i = p
    if n1 > 12 and n2 > 12:
        return
    n3 += 2000 if n3 < 70 else 1900 if n3 < 100 else 0
    if n1 > 12:  # DD/MM/YY
        found.update(date=n1, month=n2, year=n3)
    else:  # MM/DD/YY
        found.update(month=n1, date=n2, year=n3)
