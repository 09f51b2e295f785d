"""Optional route to the Journal officiel through the Légifrance API on PISTE (needs an
account: PISTE_CLIENT_ID and PISTE_CLIENT_SECRET). Without them it says so and stops cleanly.

Flow: OAuth2 client-credentials token (PISTE_OAUTH_URL) → `POST /consult/lastNJo` →
`POST /consult/jorfCont {"id": JORFCONT}` (the returned joCont.id is checked: the API answers
the latest JO to a body it does not understand) → `POST /consult/jorf {"textCid": JORFTEXT}`
for every text NOT already stored (source `jorf`, same JORFTEXT id as the archive route: the
two routes de-duplicate, and the API quota is spent only on texts the archives did not bring).
`-a refetch=1` fetches every text again.

The token is renewed TOKEN_MARGIN seconds before it expires; a 401 renews it once and replays
the call; 429/5xx are retried by the project's backoff middleware; what still fails becomes a
crawl_errors row. A JO whose sommaire and texts were all read is remembered in `state`
(`legifrance:jo:<JORFCONT>` = refInjection) and skipped until DILA re-injects it.
robots.txt is not consulted: this is an authenticated API for programs.
"""
from __future__ import annotations

import json
import time

from scrapy import FormRequest
from scrapy.http import JsonRequest

from technoveille.core import db as state
from technoveille.core.items import Document, StateUpdate
from scrapers.parsers import legifrance as api
from scrapers.spiders.base import BaseSpider

TOKEN_MARGIN = 60  # seconds
STATE_PREFIX = "legifrance:jo:"


class LegifranceSpider(BaseSpider):
    name = "legifrance"
    source = "jorf"
    custom_settings = {
        "ROBOTSTXT_OBEY": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    }

    settings_from = {"DOWNLOAD_DELAY": "PISTE_DOWNLOAD_DELAY"}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.client_id = settings.get("PISTE_CLIENT_ID")
        spider.client_secret = settings.get("PISTE_CLIENT_SECRET")
        spider.oauth_url = settings.get("PISTE_OAUTH_URL")
        spider.api_url = (settings.get("PISTE_API_URL") or "").rstrip("/")
        return spider

    def __init__(self, *args, nb=10, refetch=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.nb = int(nb)
        self.refetch = bool(refetch) and refetch not in ("0", "false", "non")
        self.token: str | None = None
        self.token_expires = 0.0
        self.token_pending = False
        self.waiting: list[JsonRequest] = []
        self.known: set[str] = set()
        self.seen_jo: dict[str, str] = {}
        self.jo_refs: dict[str, str | None] = {}
        self.jo_failed: set[str] = set()
        self.jo_ok: set[str] = set()

    # ------------------------------------------------------------ token
    def token_valid(self) -> bool:
        return bool(self.token) and time.monotonic() < self.token_expires - TOKEN_MARGIN

    def token_request(self):
        self.token_pending = True
        return FormRequest(self.oauth_url, formdata={
            "grant_type": "client_credentials", "client_id": self.client_id,
            "client_secret": self.client_secret, "scope": "openid"},
            callback=self.parse_token, errback=self.token_failed, dont_filter=True,
            meta={"record_id": "oauth-token", "dont_retry": False})

    def parse_token(self, response):
        self.token_pending = False
        try:
            data = json.loads(response.text)
            self.token = data["access_token"]
            lifetime = float(data.get("expires_in") or 3600)
        except (ValueError, KeyError, TypeError) as exc:
            self.jo_failed.update(r.meta.get("jo_id") or "" for r in self.waiting)
            self.waiting.clear()
            yield self.error("piste-token-invalid", url=response.url, detail=repr(exc))
            return
        self.token_expires = time.monotonic() + lifetime
        self.crawler.stats.inc_value("technoveille/legifrance/tokens")
        # a token is no content: a run whose every API call failed collected nothing
        self.crawler.stats.inc_value("technoveille/auxiliary_responses")
        waiting, self.waiting = self.waiting, []
        for request in waiting:
            yield self.sign(request)

    def token_failed(self, failure):
        self.token_pending = False
        dropped = len(self.waiting)
        self.jo_failed.update(r.meta.get("jo_id") or "" for r in self.waiting)
        self.waiting.clear()
        for item in self.errback(failure):
            item.reason = f"piste-token-{item.reason}"
            item.detail = f"{item.detail or ''} ({dropped} API calls dropped)".strip()
            yield item

    def sign(self, request):
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request

    def call(self, endpoint: str, body: dict, callback, meta: dict):
        """Yield the API request, or a token request first when the token is (nearly)
        expired; calls made meanwhile wait for the new token."""
        meta = dict(meta, handle_httpstatus_list=[401], endpoint=endpoint, body=body,
                    next_callback=callback)
        request = JsonRequest(f"{self.api_url}/consult/{endpoint}", data=body,
                              callback=self.parse_api, errback=self.api_failed,
                              dont_filter=True, meta=meta)
        if self.token_valid():
            yield self.sign(request)
            return
        self.waiting.append(request)
        if not self.token_pending:
            yield self.token_request()

    # ------------------------------------------------------------ crawl
    async def start(self):
        if not (self.client_id and self.client_secret):
            self.logger.warning("PISTE_CLIENT_ID et PISTE_CLIENT_SECRET ne sont pas définis : "
                                "la voie API Légifrance est ignorée (les archives DILA du "
                                "spider jorf suffisent).")
            return
        db = self.state_db
        if not self.refetch:
            self.known = state.known_ids(db, "jorf")
        self.seen_jo = state.state_items(db, STATE_PREFIX)
        for request in self.call("lastNJo", {"nbElement": self.nb}, self.parse_last,
                                 {"record_id": "lastNJo"}):
            yield request

    def parse_api(self, response):
        meta = response.meta
        if response.status == 401:
            if meta.get("auth_retried"):
                self.jo_failed.add(meta.get("jo_id") or "")
                yield self.error("http-401", url=response.url, record_id=meta.get("record_id"),
                                 detail="token refused twice")
                return
            self.logger.info("401 on %s: renewing the token and replaying", response.url)
            self.token, self.token_expires = None, 0.0
            keep = {k: v for k, v in meta.items() if k in ("record_id", "jo_id", "cont")}
            yield from self.call(meta["endpoint"], meta["body"], meta["next_callback"],
                                 dict(keep, auth_retried=True))
            return
        try:
            data = json.loads(response.text)
        except ValueError as exc:
            self.jo_failed.add(meta.get("jo_id") or "")
            yield self.error("invalid-json", url=response.url, record_id=meta.get("record_id"),
                             detail=repr(exc))
            return
        yield from meta["next_callback"](response, data)

    def api_failed(self, failure):
        self.jo_failed.add(failure.request.meta.get("jo_id") or "")
        yield from self.errback(failure)

    def parse_last(self, response, data):
        try:
            containers = api.containers(data)
        except api.ApiShapeError as exc:
            yield self.error("unexpected-api-shape", url=response.url, record_id="lastNJo",
                             detail=str(exc))
            return
        for cont in containers:
            if self.since and cont["date"] and cont["date"] < self.since.isoformat():
                continue
            if self.until and cont["date"] and cont["date"] > self.until.isoformat():
                continue
            if not self.refetch and cont["ref_injection"] and \
                    self.seen_jo.get(cont["id"]) == cont["ref_injection"]:
                continue
            self.jo_refs[cont["id"]] = cont["ref_injection"]
            yield from self.call("jorfCont", {"id": cont["id"], "pageNumber": 1,
                                              "pageSize": 100, "highlightActivated": False},
                                 self.parse_cont, {"record_id": cont["id"],
                                                   "jo_id": cont["id"]})

    def parse_cont(self, response, data):
        jo_id = response.meta["jo_id"]
        try:
            cont = api.sommaire(data, jo_id)
        except api.ApiShapeError as exc:
            self.jo_failed.add(jo_id)
            yield self.error("unexpected-api-shape", url=response.url, record_id=jo_id,
                             detail=str(exc))
            return
        self.jo_ok.add(jo_id)
        wanted = [t for t in cont["texts"] if t not in self.known]
        self.logger.info("%s: %d texts, %d not stored yet", cont["title"], len(cont["texts"]),
                         len(wanted))
        for text_id in wanted:
            self.known.add(text_id)
            yield from self.call("jorf", {"textCid": text_id}, self.parse_text,
                                 {"record_id": text_id, "jo_id": jo_id, "cont": cont})

    def parse_text(self, response, data):
        meta = response.meta
        try:
            fields = api.consult_jorf(data, meta.get("cont"))
        except (api.ApiShapeError, ValueError) as exc:
            self.jo_failed.add(meta.get("jo_id") or "")
            yield self.error("unexpected-api-shape", url=response.url,
                             record_id=meta.get("record_id"), detail=str(exc))
            return
        if fields["source_id"] != meta["record_id"]:
            self.jo_failed.add(meta.get("jo_id") or "")
            yield self.error("jorf-mismatch", url=response.url, record_id=meta["record_id"],
                             detail=f"asked {meta['record_id']}, got {fields['source_id']}")
            return
        yield Document(**fields)

    def final_items(self):
        """The JOs whose sommaire and texts were all read (a finished crawl only)."""
        done = {jo: ref for jo, ref in self.jo_refs.items()
                if ref and jo in self.jo_ok and jo not in self.jo_failed}
        if not done:
            return []
        return [StateUpdate(values={STATE_PREFIX + jo: ref for jo, ref in done.items()})]
