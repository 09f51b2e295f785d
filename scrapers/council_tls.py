"""HTTPS certificates are verified, except for the hosts a registry entry exempts with
`verify_tls: false` (the Mégalis Bretagne server presents a certificate for another host
name). Each exemption is logged once, when first used.

Used by the council spider through DOWNLOADER_CLIENTCONTEXTFACTORY; the set of exempt hosts
is filled by the spider from the registry before any request leaves.
"""
from __future__ import annotations

import logging
import warnings

from scrapy.core.downloader.contextfactory import _ScrapyClientContextFactory

logger = logging.getLogger(__name__)
# Scrapy 2.19 deprecates the setting without a replacement for per-host verification yet
warnings.filterwarnings("ignore", message=".*DOWNLOADER_CLIENTCONTEXTFACTORY.*")

#: host → registry entry id that asked for no verification
NO_VERIFY: dict[str, str] = {}
_logged: set[str] = set()


def exempt(host: str, entry: str) -> None:
    NO_VERIFY.setdefault(host.lower(), entry)


def verifies(host: str) -> bool:
    return host.lower() not in NO_VERIFY


class PerHostTLSContextFactory(_ScrapyClientContextFactory):
    """Verify certificates (DOWNLOAD_VERIFY_CERTIFICATES semantics) unless the host is
    exempt; then behave like Scrapy's default non-verifying factory."""

    def creatorForNetloc(self, hostname: bytes, port: int):
        host = hostname.decode("ascii").lower()
        verify = self._verify_certificates
        if host in NO_VERIFY:
            if host not in _logged:
                _logged.add(host)
                logger.warning("TLS: vérification du certificat désactivée pour %s "
                               "(entrée « %s » du registre : verify_tls: false)",
                               host, NO_VERIFY[host])
            self._verify_certificates = False
        try:
            return super().creatorForNetloc(hostname, port)
        finally:
            self._verify_certificates = verify
