"""The data the normalisation steps read: words, abbreviations, units, currencies, symbols.

Plain data only; the steps that use each table are named in its comment.
"""

from __future__ import annotations

# --------------------------------------------------------------------------------------------
# Spelling (common, list items)
# --------------------------------------------------------------------------------------------

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
ORDINAL_LEADS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth",
                 "Ninth", "Tenth")

# --------------------------------------------------------------------------------------------
# Punctuation (markup.cleanup_punctuation): the strongest mark of a run wins
# --------------------------------------------------------------------------------------------

PUNCT_RANK = {"?": 5, "!": 4, ".": 3, ";": 2, ":": 1, ",": 0}

# --------------------------------------------------------------------------------------------
# Addresses (web)
# --------------------------------------------------------------------------------------------

SPOKEN_TLDS = {"edu": "E.D.U"}
TLDS = ("com|org|net|io|dev|app|ai|co|edu|gov|info|biz|me|tv|ly|fm|us|uk|ca|au|de|fr|eu|nl|"
        "ch|at|es|it|se|no|dk|fi|jp|in|nz|ie|be|pl|xyz|tech|blog|news|site|online")

# --------------------------------------------------------------------------------------------
# Months (dates, abbreviations)
# --------------------------------------------------------------------------------------------

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_ABBR = {"Mon": 1, "Tue": 2, "Tues": 2, "Wed": 3, "Thu": 4, "Thur": 4, "Thurs": 4,
                "Fri": 5, "Sat": 6, "Sun": 7}
MONTH_ABBR = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8,
              "Sep": 9, "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12}

# --------------------------------------------------------------------------------------------
# Abbreviations (abbreviations.expand_abbreviations)
# --------------------------------------------------------------------------------------------

# Titles and place names before a name ("Lt. Col. Reed", "Pt. Reyes"): a sentence never ends at
# one (abbreviations.NO_END_RE).
TITLES = {"Mr": "Mister", "Mrs": "Missus", "Ms": "Miz", "Prof": "Professor", "Mt": "Mount", "Sen": "Senator",
          "Rep": "Representative", "Gov": "Governor", "Gen": "General", "Capt": "Captain", "Lt": "Lieutenant",
          "Col": "Colonel", "Maj": "Major", "Sgt": "Sergeant", "Cpl": "Corporal", "Adm": "Admiral",
          "Rev": "Reverend", "Pt": "Point", "Ft": "Fort"}
TITLE_BEFORE = r"(?=\s+(?:[A-Z&]|and\s))"
"""What follows a title's period: a name, or another title ("Mr. and Mrs. Li", "Mr. & Mrs. Li")."""
TIME_ZONES = ("UTC|GMT|CET|CEST|EET|EEST|WET|WEST|BST|IST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|AKST|AKDT|HST|"
              "AEST|AEDT|ACST|AWST|NZST|NZDT|JST|KST|SGT|HKT")
"""Time zones written after a time ("3:00 a.m. GMT"): the a.m. ends no sentence before one."""

# (pattern, spoken, may end a sentence). The pattern is matched at a word start.
ABBREVIATIONS: list[tuple[str, str, bool]] = [
    (r"e\.\s?g\.", "for example", False),
    (r"i\.\s?e\.", "that is", False),
    (r"etc\.", "et cetera", True),
    (r"et al\.", "and others", True),
    (r"a\.k\.a\.|aka\b", "also known as", False),
    (r"[Vv]s\.?(?!\w)", "versus", False),
    (r"approx\.", "approximately", False),
    (r"ca?\.(?=\s*\d)", "circa", False),
    (r"cf\.", "compare", False),
    (r"viz\.", "namely", False),
    (r"w/o(?!\w)", "without", False),
    (r"w/(?=\s)", "with", False),
    *[(rf"{abbr}\.{TITLE_BEFORE}", spoken, False) for abbr, spoken in TITLES.items()],
    (r"Jr\.", "Junior", True),
    (r"Sr\.", "Senior", True),
    (r"Inc\.", "Incorporated", True),
    (r"Ltd\.", "Limited", True),
    (r"Corp\.", "Corporation", True),
    (r"Co\.", "Company", True),
    (r"Dept\.", "Department", True),
    (r"Ave\.", "Avenue", True),
    (r"Rd\.", "Road", True),
    (r"Blvd\.", "Boulevard", True),
    (r"[Nn]o\.(?=\s*\d)", "number", False),
    (r"[Nn]os\.(?=\s*\d)", "numbers", False),
    (r"pp\.(?=\s*\d)", "pages", False),
    (r"p\.(?=\s*\d)", "page", False),
    (r"[Ff]ig\.(?=\s*\d)", "figure", False),
    (r"[Vv]ol\.(?=\s*\d)", "volume", False),
    (r"[Cc]h\.(?=\s*\d)", "chapter", False),
    (r"[Ss]ec\.(?=\s*\d)", "section", False),
    (r"[Ee]q\.(?=\s*\d)", "equation", False),
    (r"Ph\.\s?D\.?|PhD\b", "P.H.D", True),
    (r"WWII(?!\w)", "World War Two", False),
    (r"WWI(?!\w)", "World War One", False),
    *[(rf"{abbr}\.", MONTHS[n - 1], False) for abbr, n in MONTH_ABBR.items()],
    (r"Mon\.", "Monday", False), (r"Tue\.|Tues\.", "Tuesday", False),
    (r"Wed\.", "Wednesday", False), (r"Thu\.|Thur\.|Thurs\.", "Thursday", False),
    (r"Fri\.", "Friday", False),
]

# --------------------------------------------------------------------------------------------
# Money (money.expand_currency)
# --------------------------------------------------------------------------------------------

# name -> (singular, plural, minor singular, minor plural)
CURRENCIES: dict[str, tuple[str, str, str | None, str | None]] = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("dollar", "dollars", "cent", "cents"),
    "A$": ("Australian dollar", "Australian dollars", "cent", "cents"),
    "C$": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "NZ$": ("New Zealand dollar", "New Zealand dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", None, None),
    "₹": ("rupee", "rupees", None, None),
    "USD": ("dollar", "dollars", "cent", "cents"),
    "EUR": ("euro", "euros", "cent", "cents"),
    "GBP": ("pound", "pounds", "penny", "pence"),
    "JPY": ("yen", "yen", None, None),
    "CNY": ("yuan", "yuan", None, None),
    "INR": ("rupee", "rupees", None, None),
    "CHF": ("Swiss franc", "Swiss francs", "centime", "centimes"),
    "CAD": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "AUD": ("Australian dollar", "Australian dollars", "cent", "cents"),
}
SCALES = {"thousand": "thousand", "million": "million", "billion": "billion",
          "trillion": "trillion", "k": "thousand", "K": "thousand", "m": "million",
          "M": "million", "mn": "million", "b": "billion", "B": "billion", "bn": "billion",
          "tn": "trillion"}

# --------------------------------------------------------------------------------------------
# Units (units.expand_units)
# --------------------------------------------------------------------------------------------

# unit as written -> (singular, plural)
UNITS: dict[str, tuple[str, str]] = {
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "m/s": ("meter per second", "meters per second"),
    "mph": ("mile per hour", "miles per hour"),
    "km²": ("square kilometer", "square kilometers"),
    "m²": ("square meter", "square meters"),
    "sq ft": ("square foot", "square feet"),
    "sq m": ("square meter", "square meters"),
    "ft²": ("square foot", "square feet"),
    "m³": ("cubic meter", "cubic meters"),
    "km": ("kilometer", "kilometers"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"),
    "µm": ("micrometer", "micrometers"),
    "μm": ("micrometer", "micrometers"),
    "nm": ("nanometer", "nanometers"),
    "m": ("meter", "meters"),
    "mi": ("mile", "miles"),
    "yd": ("yard", "yards"),
    "ft": ("foot", "feet"),
    "kg": ("kilogram", "kilograms"),
    "mg": ("milligram", "milligrams"),
    "g": ("gram", "grams"),
    "lbs": ("pound", "pounds"),
    "lb": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "ml": ("milliliter", "milliliters"),
    "mL": ("milliliter", "milliliters"),
    "l": ("liter", "liters"),
    "L": ("liter", "liters"),
    "gal": ("gallon", "gallons"),
    "tbsp": ("tablespoon", "tablespoons"),
    "Tbsp": ("tablespoon", "tablespoons"),
    "tsp": ("teaspoon", "teaspoons"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "℉": ("degree Fahrenheit", "degrees Fahrenheit"),
    "℃": ("degree Celsius", "degrees Celsius"),
    "¢": ("cent", "cents"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "°": ("degree", "degrees"),
    "kB": ("kilobyte", "kilobytes"),
    "KB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"),
    "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"),
    "PB": ("petabyte", "petabytes"),
    "kB/s": ("kilobyte per second", "kilobytes per second"),
    "KB/s": ("kilobyte per second", "kilobytes per second"),
    "MB/s": ("megabyte per second", "megabytes per second"),
    "GB/s": ("gigabyte per second", "gigabytes per second"),
    "kbps": ("kilobit per second", "kilobits per second"),
    "Mbps": ("megabit per second", "megabits per second"),
    "Gbps": ("gigabit per second", "gigabits per second"),
    "Hz": ("hertz", "hertz"),
    "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"),
    "kWh": ("kilowatt hour", "kilowatt hours"),
    "kW": ("kilowatt", "kilowatts"),
    "MW": ("megawatt", "megawatts"),
    "W": ("watt", "watts"),
    "V": ("volt", "volts"),
    "mAh": ("milliamp hour", "milliamp hours"),
    "dB": ("decibel", "decibels"),
    "kcal": ("kilocalorie", "kilocalories"),
    "cal": ("calorie", "calories"),
    "px": ("pixel", "pixels"),
    "ms": ("millisecond", "milliseconds"),
    "sec": ("second", "seconds"),
    "secs": ("second", "seconds"),
    "min": ("minute", "minutes"),
    "mins": ("minute", "minutes"),
    "h": ("hour", "hours"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
    "wk": ("week", "weeks"),
    "wks": ("week", "weeks"),
    "yr": ("year", "years"),
    "yrs": ("year", "years"),
}

# --------------------------------------------------------------------------------------------
# Fractions (numbers.expand_fractions): character -> (numerator, denominator)
# --------------------------------------------------------------------------------------------

VULGAR = {"½": (1, 2), "¼": (1, 4), "¾": (3, 4), "⅓": (1, 3), "⅔": (2, 3), "⅛": (1, 8)}

# --------------------------------------------------------------------------------------------
# Roman numerals (numbers.expand_roman_numerals)
# --------------------------------------------------------------------------------------------

ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
# Words a numeral counts after ("World War II"): read as a cardinal.
COUNTED = ("War|Part|Chapter|Volume|Phase|Type|Stage|Level|Act|Book|Episode|Season|Article|"
           "Title|Section|Class|Category|Grade|Schedule|Apollo|Gemini|Mark|Star Wars Episode|Scene|"
           "Bowl|WrestleMania")
# Names a numeral is a regnal number after ("Henry VIII"): read as "the" and an ordinal.
REGNAL = ("Henry|Louis|George|Edward|Elizabeth|Charles|James|William|Richard|John|Pius|Benedict|"
          "Leo|Gregory|Paul|Innocent|Clement|Alexander|Frederick|Philip|Peter|Catherine|Mary|"
          "Ramesses|Ptolemy|Napoleon|Nicholas|Ivan|Constantine|Otto|Alfonso|Ferdinand")

# --------------------------------------------------------------------------------------------
# Acronyms (abbreviations.expand_acronyms)
# --------------------------------------------------------------------------------------------

ACRONYM_WORDS: frozenset[str] = frozenset({
    "NASA", "NATO", "UNESCO", "UNICEF", "SCUBA", "LASER", "RADAR", "SONAR", "GIF", "JPEG",
    "PIN", "COVID", "AIDS", "OPEC", "FIFA", "UEFA", "IKEA", "NAFTA", "ASCII", "LEGO", "RAM",
    "ROM", "SIM", "ZIP", "NASDAQ", "SARS", "MERS", "NIMBY", "YOLO", "FOMO", "JSON", "UNIX",
    "LINUX", "CAPTCHA", "REST", "WASP", "NOAA", "ESA", "CERN", "DARPA", "INTERPOL",
})
"""All-caps words read as words, not letters; they are written in title case for the engines."""

# Acronyms said letter by letter although the pronouncing dictionary (.dictionary) knows them
# only as English words ("the IT team", "the WHO", "in LA"): outside a shouted sentence they are
# far more often the acronym than a word in capitals for emphasis.
SPELLED_WORDS = frozenset({"IT", "WHO", "LA", "AD", "ER", "MS", "OS", "MA", "MI", "AR", "EV", "CO",
                           "ROI", "SEO", "NGO", "ENT", "EEG", "UPS", "SAS", "PAC", "POW", "CAT",
                           "LED", "MIA"})

# --------------------------------------------------------------------------------------------
# Symbols (abbreviations.expand_symbols)
# --------------------------------------------------------------------------------------------

# (pattern, words), applied in this order.
SYMBOL_WORDS = [
    (r"\s*&\s*", " and "),
    (r"\s*\+\s*", " plus "),
    (r"\s*>=\s*", " is greater than or equal to "),
    (r"\s*<=\s*", " is less than or equal to "),
    (r"\s*=\s*", " equals "),
    (r"\s*≠\s*", " is not equal to "),
    (r"\s*≤\s*", " is less than or equal to "),
    (r"\s*≥\s*", " is greater than or equal to "),
    (r"\s+<\s+", " is less than "),
    (r"\s+>\s+", " is greater than "),
    (r"\s*(?:→|->|⇒|=>)\s*", " to "),
    (r"\s*[×]\s*", " times "),
    (r"@\s*", " at "),
    (r"\s*%", " percent"),
    (r"\s*°", " degrees"),
    (r"§\s*", " section "),
    (r"©\s*", " copyright "),
    (r"\$", " dollars "),
    (r"€", " euros "),
    (r"£", " pounds "),
    (r"\b([A-G])#(?!\w)", r"\1 sharp"),  # C# and F# (languages), C# minor (a key)
    (r"[®™#*^|\\~<>{}¥₹]", " "),
    (r"(?<=\w)_(?=\w)", " "),
    (r"_", " "),
]

# A comparison sign before a number and after no operand ("sold >100", "<5% failed"): its words
# (numbers.expand_number_symbols); between two operands ("x > 3") it is read by SYMBOL_WORDS.
QUALIFIERS = {">": "more than", "<": "less than", ">=": "at least", "≥": "at least", "<=": "at most",
              "≤": "at most"}

# "/mo" -> "per month": short forms and the words a "per" may be followed by.
PER_SHORT = {"mo": "month", "yr": "year", "wk": "week", "hr": "hour", "min": "minute",
             "sec": "second"}
PER_WORDS = ("(?:month|day|year|week|hour|minute|second|night|person|user|seat|head|unit|item|"
             "piece|page|word|mo|yr|wk|hr|min|sec)s?")
