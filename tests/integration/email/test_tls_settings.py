"""``email.tls_ca_file``: checked when the settings load, and what the client TLS context trusts."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from callcenter.errors import ConfigError
from callcenter.settings import load_settings
from callcenter.settings_email import EmailSettings
from tests.email_servers import MailCertificates, mail_certificates

__all__ = ["mail_certificates"]


def _load(ca_file: str) -> EmailSettings:
    return load_settings(email={"enabled": True, "tls_ca_file": ca_file}).email


def test_given_a_missing_ca_file_when_loading_then_the_error_names_the_setting_and_the_file(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "nowhere.pem"
    with pytest.raises(ConfigError) as raised:
        _load(str(missing))
    assert "email.tls_ca_file" in str(raised.value)
    assert f"cannot read the CA file '{missing}'" in str(raised.value)


def test_given_a_file_without_a_certificate_when_loading_then_it_is_refused_as_not_pem(
    mail_certificates: MailCertificates,
) -> None:
    with pytest.raises(ConfigError, match=r"email\.tls_ca_file: .*holds no PEM certificate"):
        _load(str(mail_certificates.good.key))  # a private key, not a certificate


def test_given_a_broken_pem_certificate_when_loading_then_it_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pem"
    broken.write_text("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")
    with pytest.raises(ConfigError, match=r"email\.tls_ca_file: .*not a valid PEM certificate bundle"):
        _load(str(broken))


def test_given_a_directory_when_loading_then_it_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"email\.tls_ca_file: .*cannot read the CA file"):
        _load(str(tmp_path))


def test_given_a_private_ca_then_the_context_trusts_it_besides_the_system_and_verifies_names(
    mail_certificates: MailCertificates,
) -> None:
    settings = _load(str(mail_certificates.good.ca))
    assert settings.tls_ca_file == str(mail_certificates.good.ca)
    context = settings.tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert ((("commonName", "Test Mail CA"),),) in [c["subject"] for c in context.get_ca_certs()]
    system = ssl.create_default_context().cert_store_stats()["x509_ca"]
    assert context.cert_store_stats()["x509_ca"] == system + 1


def test_given_no_ca_file_then_the_system_store_alone_is_used() -> None:
    settings = EmailSettings(tls_ca_file="")
    assert settings.tls_ca_file is None
    assert settings.tls_context().cert_store_stats() == ssl.create_default_context().cert_store_stats()
