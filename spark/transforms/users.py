"""Transform of the demo ``users`` load: clean the raw sign-up data before it is merged.

* ``email``: surrounding whitespace removed and lower-cased; blank becomes NULL.
* ``full_name``: surrounding whitespace removed and inner runs of whitespace collapsed to one space.
* ``country``: ISO-3166 alpha-2, upper case, from the spellings the sign-up form has collected
  ("us", "USA", "United States", " de ", "Germany", "brasil"…). A value with no known spelling is
  kept upper-cased and trimmed, so the load's accepted_values check reports it rather than this
  transform hiding it; blank becomes NULL.

Every other column passes through unchanged, in place.
"""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

if TYPE_CHECKING:
    from pipeline_spark.transform_loader import TransformContext

# Java regex: (?U) makes \s match Unicode whitespace such as no-break spaces too.
_EDGE_WHITESPACE = r"(?U)^\s+|\s+$"
_INNER_WHITESPACE = r"(?U)\s+"

COUNTRY_CODES: dict[str, str] = {
    # Keys are upper case with spaces collapsed and dots removed ("U.S.A." -> "USA").
    **dict.fromkeys(["USA", "US", "UNITED STATES", "UNITED STATES OF AMERICA", "AMERICA"], "US"),
    **dict.fromkeys(["DE", "DEU", "GERMANY", "DEUTSCHLAND"], "DE"),
    **dict.fromkeys(["FR", "FRA", "FRANCE"], "FR"),
    **dict.fromkeys(["IN", "IND", "INDIA"], "IN"),
    **dict.fromkeys(["BR", "BRA", "BRAZIL", "BRASIL"], "BR"),
    **dict.fromkeys(["GB", "GBR", "UK", "UNITED KINGDOM", "GREAT BRITAIN"], "GB"),
    **dict.fromkeys(["CA", "CAN", "CANADA"], "CA"),
    **dict.fromkeys(["MX", "MEX", "MEXICO", "MÉXICO"], "MX"),
    **dict.fromkeys(["ES", "ESP", "SPAIN", "ESPAÑA", "ESPANA"], "ES"),
    **dict.fromkeys(["IT", "ITA", "ITALY", "ITALIA"], "IT"),
    **dict.fromkeys(["NL", "NLD", "NETHERLANDS", "THE NETHERLANDS", "HOLLAND"], "NL"),
    **dict.fromkeys(["JP", "JPN", "JAPAN"], "JP"),
    **dict.fromkeys(["AU", "AUS", "AUSTRALIA"], "AU"),
}


def transform(df: DataFrame, ctx: TransformContext) -> DataFrame:
    return (
        df.withColumn("email", clean_email(F.col("email")))
        .withColumn("full_name", clean_name(F.col("full_name")))
        .withColumn("country", normalise_country(F.col("country")))
    )


def clean_email(email: Column) -> Column:
    cleaned = F.lower(_trim(email))
    return F.when(cleaned != "", cleaned)


def clean_name(name: Column) -> Column:
    return F.regexp_replace(_trim(name), _INNER_WHITESPACE, " ")


def normalise_country(country: Column) -> Column:
    cleaned = F.upper(F.regexp_replace(_trim(country), _INNER_WHITESPACE, " "))
    lookup = F.create_map(*(F.lit(value) for value in chain.from_iterable(COUNTRY_CODES.items())))
    code = F.coalesce(F.try_element_at(lookup, F.regexp_replace(cleaned, r"\.", "")), cleaned)
    return F.when(cleaned != "", code)


def _trim(column: Column) -> Column:
    # F.trim removes only ASCII spaces; form input also carries tabs, newlines and no-break spaces.
    return F.regexp_replace(column, _EDGE_WHITESPACE, "")
