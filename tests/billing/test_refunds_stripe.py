"""Refunds through stripe-python against the local Stripe server, for real: charges made there, refunded partly and
fully; an over-refund refused by the console although localstripe would take it; a dropped response (a proxy
forwards the refund POST and hangs up without answering) and Stripe being down both leave the refund `submitting`
until reconcile settles it, with exactly one refund at Stripe in the end."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from console.billing import gateway as gateway_module
from console.billing.gateway import StripeGateway
from console.billing.service.refunds import reconcile_refunds, request_refund, submit_refund
from console.db import session_scope
from console.errors import RuleViolation, ValidationFailed
from tests.billing import factories as f
from tests.billing.conftest import STRIPE_KEY

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection"}


class DroppingProxy:
    """A one-request-per-connection HTTP proxy to localstripe. With `drop_refund_posts`, a POST /v1/refunds is
    forwarded (the refund is made there) and the client's connection is then closed without an answer."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.drop_refund_posts = True
        self.forwarded: list[str] = []
        self.dropped = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.listener.close()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    @staticmethod
    def _read_request(conn: socket.socket) -> tuple[str, str, dict[str, str], bytes]:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                raise ConnectionError("client went away")
            data += chunk
        head, body = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        method, path, _version = lines[0].split(" ", 2)
        headers = {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}
        length = int({k.lower(): v for k, v in headers.items()}.get("content-length", "0"))
        while len(body) < length:
            body += conn.recv(65536)
        return method, path, headers, body

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            try:
                method, path, headers, body = self._read_request(conn)
            except ConnectionError:
                return
            upstream = http.client.HTTPConnection(self.host, self.port, timeout=10)
            forward = {k: v for k, v in headers.items() if k.lower() not in HOP_HEADERS | {"host"}}
            upstream.request(method, path, body=body or None, headers=forward)
            response = upstream.getresponse()
            payload = response.read()
            upstream.close()
            self.forwarded.append(f"{method} {path.split('?')[0]}")
            if self.drop_refund_posts and method == "POST" and path.startswith("/v1/refunds"):
                self.dropped += 1
                return  # made at Stripe, answer lost: close without a byte
            out = [f"HTTP/1.1 {response.status} {response.reason}"]
            out += [f"{k}: {v}" for k, v in response.getheaders() if k.lower() not in HOP_HEADERS]
            out += [f"Content-Length: {len(payload)}", "Connection: close", "", ""]
            conn.sendall("\r\n".join(out).encode("latin-1") + payload)


@pytest.fixture
def proxy(stripe_url: str) -> Iterator[DroppingProxy]:
    p = DroppingProxy(stripe_url)
    yield p
    p.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(actor, payment_id: int, amount: int) -> int:
    with session_scope() as session:
        return request_refund(
            session,
            actor=actor,
            payment_id=payment_id,
            amount_cents=amount,
            reason="requested_by_customer",
            idempotency_key=f.key(),
        ).id


def test_partial_then_full_refund_at_stripe(stripe_gateway, stripe_url, actor_with) -> None:
    finance = actor_with("finance")
    charge = f.stripe_charge(stripe_url, 5_000)
    pay = f.payment(amount_cents=5_000, charge_id=charge)

    first = submit_refund(actor=finance, refund_id=_request(finance, pay, 2_000))
    assert first.status == "succeeded" and first.stripe_refund_id and first.settled_at and first.attempts == 1
    payment = f.get_payment(pay)
    assert (payment.refunded_cents, payment.status) == (2_000, "partially_refunded")

    second = submit_refund(actor=finance, refund_id=_request(finance, pay, 3_000))
    assert second.status == "succeeded"
    payment = f.get_payment(pay)
    assert (payment.refunded_cents, payment.status) == (5_000, "refunded")

    at_stripe = f.stripe_refunds(stripe_url, charge)
    assert sorted(r["amount"] for r in at_stripe) == [2_000, 3_000]
    assert {r["metadata"]["console_refund_id"] for r in at_stripe} == {str(first.id), str(second.id)}
    assert {r["id"] for r in at_stripe} == {first.stripe_refund_id, second.stripe_refund_id}
    assert f.audit_actions("refund", first.id) == ["refund.request", "refund.submit", "refund.succeed"]
    assert f.audit_actions("payment", pay) == ["payment.refund", "payment.refund"]


def test_over_refund_refused_by_the_console_though_stripe_would_take_it(stripe_gateway, stripe_url, actor_with):
    finance = actor_with("finance")
    charge = f.stripe_charge(stripe_url, 1_500)
    pay = f.payment(amount_cents=1_500, charge_id=charge)
    submit_refund(actor=finance, refund_id=_request(finance, pay, 1_000))
    with pytest.raises(ValidationFailed, match=r"at most \$5\.00"):
        _request(finance, pay, 501)
    submit_refund(actor=finance, refund_id=_request(finance, pay, 500))
    with pytest.raises(ValidationFailed, match="refunded in full"):
        _request(finance, pay, 1)
    assert sorted(r["amount"] for r in f.stripe_refunds(stripe_url, charge)) == [500, 1_000]
    # the local server itself accepts refunding the charge again: the guard above is the console's alone
    extra = f.stripe_client(stripe_url).v1.refunds.create(params={"charge": charge, "amount": 500})
    assert extra.status == "succeeded"


def test_refused_by_stripe_fails_the_refund_and_frees_the_amount(stripe_gateway, actor_with) -> None:
    finance = actor_with("finance")
    pay = f.payment(amount_cents=2_000, charge_id="ch_nosuchcharge")
    refund = submit_refund(actor=finance, refund_id=_request(finance, pay, 2_000))
    assert refund.status == "failed" and refund.error and "Stripe refused" in refund.error
    assert f.get_payment(pay).refunded_cents == 0
    assert f.audit_actions("refund", refund.id)[-1] == "refund.fail"
    _request(finance, pay, 2_000)  # the failed refund no longer counts


def test_dropped_response_reconciles_to_exactly_one_refund(proxy, stripe_url, stripe_gateway, actor_with) -> None:
    finance = actor_with("finance")
    charge = f.stripe_charge(stripe_url, 4_000)
    pay = f.payment(amount_cents=4_000, charge_id=charge)
    refund_id = _request(finance, pay, 4_000)

    gateway_module.set_gateway(StripeGateway(STRIPE_KEY, api_base=proxy.url, max_network_retries=0, timeout=5))
    lost = submit_refund(actor=finance, refund_id=refund_id)
    assert proxy.dropped == 1
    assert lost.status == "submitting" and lost.error and "could not be reached" in lost.error
    assert lost.stripe_refund_id is None
    assert f.audit_actions("refund", refund_id)[-2:] == ["refund.submit", "refund.submit_unknown"]
    assert len(f.stripe_refunds(stripe_url, charge)) == 1  # it did happen there
    with pytest.raises(RuleViolation, match="reconcile"):
        submit_refund(actor=finance, refund_id=refund_id)  # no blind second send
    with pytest.raises(ValidationFailed):
        _request(finance, pay, 1)  # still counted against the payment

    # reconcile through the same proxy (lists pass; it would drop a re-send, and there must be none)
    report = reconcile_refunds(actor=finance, payment_id=pay)
    assert (report.checked, report.settled, report.resent, report.still_unknown) == (1, 1, 0, 0), report
    assert proxy.dropped == 1 and proxy.forwarded.count("POST /v1/refunds") == 1
    settled = f.get_refund(refund_id)
    at_stripe = f.stripe_refunds(stripe_url, charge)
    assert len(at_stripe) == 1 and settled.stripe_refund_id == at_stripe[0]["id"]
    assert settled.status == "succeeded" and settled.error is None
    assert f.get_payment(pay).refunded_cents == 4_000
    assert f.audit_actions("refund", refund_id)[-1] == "refund.succeed"

    again = reconcile_refunds(actor=finance, payment_id=pay)  # nothing left to do
    assert (again.checked, again.settled, again.resent) == (0, 0, 0)
    assert len(f.stripe_refunds(stripe_url, charge)) == 1


def test_stripe_down_stays_submitting_then_reconcile_sends_once(stripe_url, stripe_gateway, actor_with) -> None:
    finance = actor_with("finance")
    charge = f.stripe_charge(stripe_url, 3_000)
    pay = f.payment(amount_cents=3_000, charge_id=charge)
    refund_id = _request(finance, pay, 1_200)

    down = StripeGateway(STRIPE_KEY, api_base=f"http://127.0.0.1:{_closed_port()}", max_network_retries=0, timeout=3)
    gateway_module.set_gateway(down)
    refund = submit_refund(actor=finance, refund_id=refund_id)
    assert refund.status == "submitting" and refund.attempts == 1
    assert refund.error and "could not be reached" in refund.error and "reconciled" in refund.error

    report = reconcile_refunds(actor=finance)  # still down: left as it is, said so
    assert (report.still_unknown, report.settled, report.resent) == (1, 0, 0)
    assert any("could not be reached" in m for m in report.messages)
    assert f.get_refund(refund_id).status == "submitting"
    assert f.stripe_refunds(stripe_url, charge) == []

    gateway_module.set_gateway(stripe_gateway)
    assert reconcile_refunds(actor=finance, older_than_seconds=3600).checked == 0  # sent just now: not yet
    report = reconcile_refunds(actor=finance)
    assert (report.checked, report.resent, report.settled, report.still_unknown) == (1, 1, 0, 0), report
    settled = f.get_refund(refund_id)
    assert settled.status == "succeeded" and settled.attempts == 2
    at_stripe = f.stripe_refunds(stripe_url, charge)
    assert len(at_stripe) == 1 and at_stripe[0]["metadata"]["console_refund_id"] == str(refund_id)
    assert f.get_payment(pay).refunded_cents == 1_200
    assert "refund.resend" in f.audit_actions("refund", refund_id)

    assert reconcile_refunds(actor=finance).checked == 0
    assert len(f.stripe_refunds(stripe_url, charge)) == 1


def test_resend_answer_lost_again_is_still_unknown(proxy, stripe_url, stripe_gateway, actor_with) -> None:
    finance = actor_with("finance")
    charge = f.stripe_charge(stripe_url, 2_000)
    pay = f.payment(amount_cents=2_000, charge_id=charge)
    refund_id = _request(finance, pay, 2_000)
    down = StripeGateway(STRIPE_KEY, api_base=f"http://127.0.0.1:{_closed_port()}", max_network_retries=0, timeout=3)
    gateway_module.set_gateway(down)
    submit_refund(actor=finance, refund_id=refund_id)
    gateway_module.set_gateway(StripeGateway(STRIPE_KEY, api_base=proxy.url, max_network_retries=0, timeout=5))
    report = reconcile_refunds(actor=finance)
    assert (report.resent, report.still_unknown) == (1, 1) and f.get_refund(refund_id).status == "submitting"
    report = reconcile_refunds(actor=finance)  # now it is found: settled, not sent a third time
    assert (report.settled, report.resent) == (1, 0)
    assert len(f.stripe_refunds(stripe_url, charge)) == 1
    assert f.get_refund(refund_id).status == "succeeded"
