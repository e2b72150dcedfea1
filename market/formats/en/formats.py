"""English as written here: the day before the month (07/12/2026 is 7 December, as on the
Indonesian pages and every paper the app prints) and the 24-hour clock. Django's American
defaults put the month first. Numbers keep Django's English separators."""

DATE_FORMAT = "j M Y"  # 7 Dec 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j M Y, H:i"  # 7 Dec 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 7 December
SHORT_DATE_FORMAT = "d/m/Y"  # 07/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 07/12/2026 14:30
FIRST_DAY_OF_WEEK = 1  # Monday

# What a date typed in English means: day first (ISO dates, as date pickers send them, are
# always understood too).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M",
]
