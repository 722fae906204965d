"""Consumer mail providers versus business domains (the sender's address kind)."""

from __future__ import annotations

import pytest

from classifiers.mail_providers import is_consumer_mail


@pytest.mark.parametrize("address", ["a.b@gmail.com", "X@HOTMAIL.CO.UK", "c@mail.btinternet.com", "d@outlook.com."])
def test_webmail_and_isp_addresses_are_consumer_mail(address: str) -> None:
    assert is_consumer_mail(address)


@pytest.mark.parametrize("address", ["jean@thirkettle-hardware.co.uk", "j@notgmail.com", "j@gmail.com.evil.example"])
def test_other_domains_are_businesses(address: str) -> None:
    assert not is_consumer_mail(address)
