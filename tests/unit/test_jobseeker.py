import pytest

from kiosk.domain.errors import InvalidJobseekerNo
from kiosk.domain.jobseeker import last_digits, normalize_jobseeker_no


@pytest.mark.parametrize("raw, expected", [
    ("28010-12345", "28010-12345"),
    ("２８０１０－１２３４５６７８", "28010-12345678"),   # full-width digits and hyphen
    (" 28010 - 1234 ", "28010-1234"),                     # spaces anywhere
    ("28010ー12345", "28010-12345"),                      # katakana long vowel typed as a hyphen
    ("28010−12345", "28010-12345"),                       # minus sign
    ("2801012345", "28010-12345"),                        # no hyphen: inserted after five digits
    ("28010\u300012345", "28010-12345"),                  # ideographic space, no hyphen
])
def test_accepted_forms_normalize_to_the_canonical_number(raw, expected):
    assert normalize_jobseeker_no(raw) == expected


@pytest.mark.parametrize("raw, hint", [
    ("", "Please enter"),
    ("2801-12345", "5 digits"),
    ("280100-12345", "5 digits"),
    ("28010-123", "4 to 8 digits"),
    ("28010-123456789", "4 to 8 digits"),
    ("28010-12a45", "only digits"),
    ("28010-12-345", "one hyphen"),
    ("2801", "one hyphen"),
    (None, "Please enter"),
])
def test_wrong_numbers_are_refused_with_a_message_saying_what_is_wrong(raw, hint):
    with pytest.raises(InvalidJobseekerNo) as err:
        normalize_jobseeker_no(raw)
    assert hint in err.value.message


def test_last_digits_ignore_the_hyphen():
    assert last_digits("28010-0012") == "0012"
