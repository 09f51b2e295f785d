from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from scrapers.middlewares import retry_after_seconds


def test_retry_after_delta_seconds():
    assert retry_after_seconds(b"3") == 3.0
    assert retry_after_seconds("0") == 0.0
    assert retry_after_seconds(b"-5") == 0.0


def test_retry_after_http_date():
    when = datetime.now(timezone.utc) + timedelta(seconds=30)
    wait = retry_after_seconds(format_datetime(when, usegmt=True))
    assert 25 <= wait <= 31


def test_retry_after_garbage_is_ignored():
    assert retry_after_seconds(None) is None
    assert retry_after_seconds(b"soon") is None
