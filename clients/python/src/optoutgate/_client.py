"""The sync and async clients: one request layer each, the same methods."""
from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from typing import Any, AsyncIterator, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import httpx

from .errors import APIError, TransportError, from_response
from .models import CheckResult, Generation, LabelCheck, LookupResult, Match, Takedown
from .webhooks import verify_webhook

LOOKUP_CHUNK = 10_000
RETRY_STATUSES = {500, 502, 503, 504}


def _check_result(body: Dict[str, Any]) -> CheckResult:
    return CheckResult(bool(body["allowed"]), [Match.from_json(m) for m in body.get("matches", [])], int(body.get("registry_version", 0)),
                       bool(body.get("incomplete", False)))


def _generation(body: Dict[str, Any], key: str) -> Generation:
    return Generation(body["id"], bool(body.get("allowed", False)), key, list(body.get("credits", [])), body.get("charge"), body.get("usage"), body)


def _label_check(body: Dict[str, Any]) -> LabelCheck:
    return LabelCheck(bool(body["labeled"]), body.get("generation_id"), list(body.get("credits_required", [])), body.get("c2pa"))


def _lookup_items(urls: Optional[Sequence[str]], names: Optional[Sequence[str]]) -> List[Dict[str, str]]:
    return [{"url": url} for url in (urls or [])] + [{"name": name} for name in (names or [])]


def _lookup_results(items: List[Dict[str, str]], body: Dict[str, Any]) -> List[LookupResult]:
    out = []
    for item, result in zip(items, body["results"]):
        out.append(LookupResult(item, result.get("opted_out"), result.get("artist_id"), result.get("matched"), result.get("error")))
    return out


def _image_type(image: bytes) -> str:
    if image.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if image.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return "application/octet-stream"


class _Base:
    def __init__(self, base_url: str, api_key: Optional[str] = None, session_token: Optional[str] = None, timeout: float = 30.0,
                 max_retries: int = 3, backoff: float = 0.5) -> None:
        self.base_url = base_url.rstrip("/")
        self.credential = api_key or session_token
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff

    def _headers(self, extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": "optoutgate-python/1.0"}
        if self.credential:
            headers["Authorization"] = "Bearer " + self.credential
        headers.update(extra or {})
        return headers

    def _delay(self, attempt: int) -> float:
        return self.backoff * (2 ** attempt) * (0.5 + random.random() / 2)

    @staticmethod
    def _raise_for(response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        try:
            body = response.json()
        except ValueError:
            body = None
        raise from_response(response.status_code, body, response.headers)


class Client(_Base):
    """`Client(url, api_key=key).check(prompt).allowed`. Safe to share between threads."""

    def __init__(self, base_url: str, api_key: Optional[str] = None, session_token: Optional[str] = None, timeout: float = 30.0,
                 max_retries: int = 3, backoff: float = 0.5, transport: Optional[httpx.BaseTransport] = None) -> None:
        super().__init__(base_url, api_key, session_token, timeout, max_retries, backoff)
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _request(self, method: str, path: str, *, json_body: Any = None, content: Optional[bytes] = None,
                 headers: Optional[Dict[str, str]] = None, params: Optional[Dict[str, Any]] = None, retry: bool = False) -> httpx.Response:
        """Sends once, or, when `retry` (idempotent calls only), again after 5xx answers, time-outs and broken connections."""
        attempts = self.max_retries + 1 if retry else 1
        for attempt in range(attempts):
            try:
                response = self._http.request(method, path, json=json_body, content=content, headers=self._headers(headers), params=params)
            except (httpx.TransportError, httpx.TimeoutException) as error:
                if attempt + 1 >= attempts:
                    raise TransportError(f"{method} {path}: {error}") from error
                time.sleep(self._delay(attempt))
                continue
            if retry and response.status_code in RETRY_STATUSES and attempt + 1 < attempts:
                time.sleep(self._delay(attempt))
                continue
            self._raise_for(response)
            return response
        raise TransportError(f"{method} {path}: no answer")  # pragma: no cover

    def check(self, prompt: str) -> CheckResult:
        """The prompt gate (API key with scope `check`). Retried safely: a check changes nothing."""
        return _check_result(self._request("POST", "/v1/prompts/check", json_body={"prompt": prompt}, retry=True).json())

    def generate(self, account_id: int, prompt: str, idempotency_key: Optional[str] = None) -> Generation:
        """A metered generation (API key with scope `generate`). The idempotency key (made when not given) is reused on
        every retry, so a retried request is charged once. Raises `PromptBlocked`, `QuotaExhausted`."""
        key = idempotency_key or uuid.uuid4().hex
        response = self._request("POST", "/v1/generations", json_body={"account_id": account_id, "prompt": prompt, "idempotency_key": key},
                                 retry=True)
        return _generation(response.json(), key)

    def label(self, generation_id: str, image: bytes) -> bytes:
        """The image with the AI-generated label (XMP and a signed C2PA manifest) embedded."""
        response = self._request("POST", f"/v1/generations/{generation_id}/label", content=image,
                                 headers={"Content-Type": _image_type(image)}, retry=True)
        return response.content

    def verify(self, image: bytes) -> LabelCheck:
        """What an image's label says (no credential needed)."""
        return _label_check(self._request("POST", "/v1/labels/verify", content=image, headers={"Content-Type": _image_type(image)},
                                          retry=True).json())

    def lookup(self, urls: Optional[Sequence[str]] = None, names: Optional[Sequence[str]] = None) -> List[LookupResult]:
        """The registry look-up (scope `registry`), any number of URLs and names, 10,000 a request."""
        items = _lookup_items(urls, names)
        results: List[LookupResult] = []
        for start in range(0, len(items), LOOKUP_CHUNK):
            chunk = items[start:start + LOOKUP_CHUNK]
            results += _lookup_results(chunk, self._request("POST", "/v1/registry/lookup", json_body={"items": chunk}, retry=True).json())
        return results

    def export(self, etag: Optional[str] = None) -> Optional["Export"]:
        """The whole registry as a stream of JSON lines (scope `registry`); None when `etag` is still current."""
        headers = self._headers({"If-None-Match": etag} if etag else None)
        request = self._http.build_request("GET", "/v1/registry/export", headers=headers)
        response = self._http.send(request, stream=True)
        if response.status_code == 304:
            response.close()
            return None
        if response.status_code >= 400:
            response.read()
            self._raise_for(response)
        return Export(response)

    def takedowns(self, after: int = 0, page_size: int = 100) -> Iterator[Takedown]:
        """The calling generator's take-downs and restorations, oldest first, following `after` to the end."""
        while True:
            body = self._request("GET", "/v1/takedowns", params={"after": after, "limit": page_size}, retry=True).json()
            for item in body["items"]:
                yield Takedown(**{k: item[k] for k in ("event_id", "report_id", "generation_id", "action", "decided_by", "at")})
                after = item["event_id"]
            if not body.get("next"):
                return

    verify_webhook = staticmethod(verify_webhook)


class Export:
    """A streamed export: iterate for the lines (dicts); `etag` and `registry_version` come from the answer."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.etag: Optional[str] = response.headers.get("etag")
        self.registry_version: Optional[int] = None

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        try:
            for line in self._response.iter_lines():
                if not line.strip():
                    continue
                value = json.loads(line)
                if value.get("type") == "header":
                    self.registry_version = value.get("registry_version")
                yield value
        finally:
            self._response.close()


class AsyncClient(_Base):
    """The same methods as `Client`, awaited: `await AsyncClient(url, api_key=key).check(prompt)`."""

    def __init__(self, base_url: str, api_key: Optional[str] = None, session_token: Optional[str] = None, timeout: float = 30.0,
                 max_retries: int = 3, backoff: float = 0.5, transport: Optional[httpx.AsyncBaseTransport] = None) -> None:
        super().__init__(base_url, api_key, session_token, timeout, max_retries, backoff)
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, transport=transport)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    async def _request(self, method: str, path: str, *, json_body: Any = None, content: Optional[bytes] = None,
                       headers: Optional[Dict[str, str]] = None, params: Optional[Dict[str, Any]] = None, retry: bool = False) -> httpx.Response:
        attempts = self.max_retries + 1 if retry else 1
        for attempt in range(attempts):
            try:
                response = await self._http.request(method, path, json=json_body, content=content, headers=self._headers(headers), params=params)
            except (httpx.TransportError, httpx.TimeoutException) as error:
                if attempt + 1 >= attempts:
                    raise TransportError(f"{method} {path}: {error}") from error
                await asyncio.sleep(self._delay(attempt))
                continue
            if retry and response.status_code in RETRY_STATUSES and attempt + 1 < attempts:
                await asyncio.sleep(self._delay(attempt))
                continue
            self._raise_for(response)
            return response
        raise TransportError(f"{method} {path}: no answer")  # pragma: no cover

    async def check(self, prompt: str) -> CheckResult:
        return _check_result((await self._request("POST", "/v1/prompts/check", json_body={"prompt": prompt}, retry=True)).json())

    async def generate(self, account_id: int, prompt: str, idempotency_key: Optional[str] = None) -> Generation:
        key = idempotency_key or uuid.uuid4().hex
        response = await self._request("POST", "/v1/generations", json_body={"account_id": account_id, "prompt": prompt, "idempotency_key": key},
                                       retry=True)
        return _generation(response.json(), key)

    async def label(self, generation_id: str, image: bytes) -> bytes:
        return (await self._request("POST", f"/v1/generations/{generation_id}/label", content=image,
                                    headers={"Content-Type": _image_type(image)}, retry=True)).content

    async def verify(self, image: bytes) -> LabelCheck:
        return _label_check((await self._request("POST", "/v1/labels/verify", content=image, headers={"Content-Type": _image_type(image)},
                                                 retry=True)).json())

    async def lookup(self, urls: Optional[Sequence[str]] = None, names: Optional[Sequence[str]] = None) -> List[LookupResult]:
        items = _lookup_items(urls, names)
        results: List[LookupResult] = []
        for start in range(0, len(items), LOOKUP_CHUNK):
            chunk = items[start:start + LOOKUP_CHUNK]
            results += _lookup_results(chunk, (await self._request("POST", "/v1/registry/lookup", json_body={"items": chunk}, retry=True)).json())
        return results

    async def export_lines(self, etag: Optional[str] = None) -> Tuple[Optional[str], AsyncIterator[Dict[str, Any]]]:
        """(etag, lines) of the export, or (etag, an empty iterator) when `etag` is still current."""
        request = self._http.build_request("GET", "/v1/registry/export", headers=self._headers({"If-None-Match": etag} if etag else None))
        response = await self._http.send(request, stream=True)
        if response.status_code >= 400:
            await response.aread()
            self._raise_for(response)

        async def lines() -> AsyncIterator[Dict[str, Any]]:
            try:
                if response.status_code == 304:
                    return
                async for line in response.aiter_lines():
                    if line.strip():
                        yield json.loads(line)
            finally:
                await response.aclose()

        return (response.headers.get("etag") or etag, lines())

    async def takedowns(self, after: int = 0, page_size: int = 100) -> AsyncIterator[Takedown]:
        while True:
            body = (await self._request("GET", "/v1/takedowns", params={"after": after, "limit": page_size}, retry=True)).json()
            for item in body["items"]:
                yield Takedown(**{k: item[k] for k in ("event_id", "report_id", "generation_id", "action", "decided_by", "at")})
                after = item["event_id"]
            if not body.get("next"):
                return

    verify_webhook = staticmethod(verify_webhook)
