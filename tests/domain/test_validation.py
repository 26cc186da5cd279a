from datetime import date

import pytest

from workwell_desktop.domain import validation as v

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("value", ["9434765919", "943 476 5919", "943-476-5919", " 9990000018 "])
def test_valid_nhs_numbers_pass(value):
    assert v.check_nhs_number(value) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter the NHS number"),
        ("9434765918", "check digit does not match"),
        ("943476591", "10 digits; this has 9"),
        ("94347659190", "10 digits; this has 11"),
        ("94347A5919", "digits only"),
        ("9990000011", "check digit"),  # 999 000 001 takes check digit 8
        ("9991234560", "check digit"),  # 999 123 456 gives Modulus 11 remainder 10: never valid
    ],
)
def test_invalid_nhs_numbers_say_why(value, message):
    assert message in v.check_nhs_number(value)


def test_nhs_number_formats_three_three_four():
    assert v.format_nhs_number("9434765919") == "943 476 5919"


@pytest.mark.parametrize(
    "value", ["CA1 1AB", "ca11ab", "CA28 7QA", "LA9 4PU", "EC1A 1BB", "W1A 0AX", "M1 1AE"]
)
def test_uk_postcodes_pass(value):
    assert v.check_postcode(value) is None


@pytest.mark.parametrize("value", ["", "CA1", "1CA 1AB", "CA1 1CI", "QQ1 1AA", "CA11 1AB1", "SW1A1AAA"])
def test_bad_postcodes_are_refused(value):
    assert v.check_postcode(value)


def test_postcode_normalised_to_spaced_upper_case():
    assert v.normalise_postcode(" ca111ab ") == "CA11 1AB"


@pytest.mark.parametrize(
    ("dob", "message"),
    [
        ("", "Enter the date of birth"),
        ("2026-02-30", "real date"),
        ("2027-01-01", "in the future"),
        ("1900-01-01", "check the year"),
        ("2011-01-01", "aged 16 and over"),
    ],
)
def test_implausible_dates_of_birth(dob, message):
    assert message in v.check_date_of_birth(dob, TODAY)


def test_sixteenth_birthday_is_old_enough():
    assert v.check_date_of_birth("2010-11-23", TODAY) is None
    assert v.check_date_of_birth("2010-11-24", TODAY) is not None


def test_phone_and_email_checks():
    assert v.check_phone("07700 900123") is None
    assert v.check_phone("+44 7700 900123") is None
    assert v.check_phone("12345") is not None
    assert v.check_email("a@b.nhs.uk") is None
    assert v.check_email("not-an-email") is not None
