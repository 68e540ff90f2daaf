"""Where this machine can be reached: the addresses phones in the room will use.

Standard library only, so the Makefile can call it before the virtualenv exists:
    python -m cxworkshop.network hosts 0.0.0.0      -> allowed host names, comma-separated
    python -m cxworkshop.network banner 0.0.0.0 8000 -> the "open this address" lines
"""

import ipaddress
import socket
import subprocess
import sys

ALL_INTERFACES = {"0.0.0.0", "::", "[::]"}
LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"]


def serves_all_interfaces(host):
    return host in ALL_INTERFACES


def lan_addresses():
    """IPv4 addresses of this machine other than loopback, best guess first.

    Read from the machine's own configuration; nothing is sent on the network.
    """
    found = []
    try:
        output = subprocess.run(
            ["hostname", "-I"], capture_output=True, text=True, timeout=2, check=False
        ).stdout
        found.extend(output.split())
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(info[4][0])
    except OSError:
        pass
    addresses = []
    for text in found:
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            continue
        if address.version == 4 and not address.is_loopback and text not in addresses:
            addresses.append(text)
    return addresses


def allowed_hosts(host):
    hosts = list(LOCAL_HOSTS)
    if host not in ALL_INTERFACES and host not in hosts:
        hosts.append(host)
    if serves_all_interfaces(host):
        hosts.extend(lan_addresses())
        hosts.append(socket.gethostname())
    return hosts


def public_base_url(request, public_url, serve_host):
    """The address phones should use: PUBLIC_URL, else this machine's LAN address when serving
    on all interfaces, else the address the request came in on."""
    if public_url:
        return public_url.rstrip("/")
    if serves_all_interfaces(serve_host) and request.get_host().split(":")[0] in (
        "localhost",
        "127.0.0.1",
        "[::1]",
    ):
        addresses = lan_addresses()
        if addresses:
            return f"{request.scheme}://{addresses[0]}:{request.get_port()}"
    return f"{request.scheme}://{request.get_host()}"


def banner(host, port):
    lines = [
        "",
        f"  CX Workshop is running: open http://127.0.0.1:{port}/ on this machine.",
    ]
    if serves_all_interfaces(host):
        for address in lan_addresses():
            lines.append(f"  Phones on the same Wi-Fi can join at http://{address}:{port}/")
    else:
        lines.append("  To let phones on the room's Wi-Fi join, run: HOST=0.0.0.0 make run")
    lines.append("  Stop it with Ctrl+C.")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    command, host, *rest = sys.argv[1:] + [""]
    if command == "hosts":
        print(",".join(allowed_hosts(host)))
    elif command == "banner":
        print(banner(host, rest[0] or "8000"))
    else:
        sys.exit("usage: python -m cxworkshop.network hosts|banner HOST [PORT]")
