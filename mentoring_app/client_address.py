"""The address a request comes from, for log-in throttling.

``X-Forwarded-For`` is written by whoever sent the request, so it is believed only when the direct
peer is one of our own reverse proxies (``TRUSTED_PROXIES``). Each proxy appends the address it
saw, so reading from the right and skipping our proxies gives the first address nobody of ours
vouches for: the client. Anything left of it could be invented by the client and is ignored.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """The trusted proxies as networks (a bare address is a network of one); bad entries raise."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _is_trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def client_address(peer: str, forwarded_for: str, trusted_proxies: tuple[str, ...]) -> str:
    """The client's address: the peer itself, or the right-most untrusted X-Forwarded-For entry
    when the peer is a trusted proxy."""
    networks = parse_networks(trusted_proxies)
    if not networks or not _is_trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop[:64]
    # Every hop is one of ours (or there is none): the left-most is the closest thing to a client.
    return hops[0][:64] if hops else peer
