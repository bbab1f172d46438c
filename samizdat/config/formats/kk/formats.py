"""Kazakh date formats, after CLDR's `kk` locale: `2026 ж. 5 наурыз`, `05.03.2026`.

Django has Kazakh translations but no Kazakh formats, so without these a Kazakh blog would
date its posts the American way (`Нау. 5, 2026`). Only display formats are set: input
formats stay Django's defaults, which every form already accepts.
"""

from django.utils.translation import pgettext_lazy

DATE_FORMAT = r"Y \ж. j E"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"Y \ж. j E, H:i"
YEAR_MONTH_FORMAT = r"Y \ж. E"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a no-break space
NUMBER_GROUPING = 3

# Inside a date Kazakh writes the month in lower case, where Django's Kazakh catalogue has
# capitals. `E` (the "alt. month" names) is what the formats above use; these marks put the
# lower-case forms in our own catalogue, which Django reads before its own.
ALT_MONTHS = (
    pgettext_lazy("alt. month", "January"), pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"), pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"), pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"), pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"), pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"), pgettext_lazy("alt. month", "December"),
)
