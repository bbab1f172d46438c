"""Machines for the tests: Linux network namespaces on one bridge, each with an address of its own.

A process started in a machine (with its `prefix`, `ip netns exec NAME`) sees only that machine's
network: its own loopback and one interface on the bridge. Whatever it reaches of another, it
reaches over the bridge by address, as across a LAN, so a process that quietly counted on
`127.0.0.1` (a database, a queue, a front server's address) fails here. The test process itself
stays in the machine's own namespace and speaks on the bridge from `host` (its first address).
Files stay shared, as a network file system would share them.
"""

import contextlib
import ipaddress
import os
import random
import secrets
import shutil
import subprocess

from tests.instances import unavailable


def _ip(*args):
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    subprocess.run([*prefix, "ip", *map(str, args)], check=True, capture_output=True, timeout=30)


class Network:
    """A bridge and the machines on it; removed, namespaces and links alike, on exit."""

    def __init__(self):
        self.tag = secrets.token_hex(2)  # interface names are at most 15 characters
        self.subnet = ipaddress.ip_network(f"10.{random.randint(64, 127)}.{random.randint(0, 255)}.0/24")
        self.host = str(self.subnet[1])
        self.bridge = f"szb{self.tag}"
        self.machines = {}

    def __enter__(self):
        if shutil.which("ip") is None:
            unavailable("needs iproute2's ip (apt install iproute2)")
        if os.geteuid() != 0 and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode != 0:
            unavailable("needs root (or sudo without a password) to make network namespaces")
        try:
            _ip("link", "add", self.bridge, "type", "bridge")
        except subprocess.CalledProcessError as error:
            unavailable(f"cannot make a network bridge here: {error.stderr.decode().strip()}")
        _ip("addr", "add", f"{self.host}/{self.subnet.prefixlen}", "dev", self.bridge)
        _ip("link", "set", self.bridge, "up")
        return self

    def add(self, name):
        """A new machine on the bridge: its address; its processes start with `prefix(name)`."""
        number = len(self.machines) + 10
        namespace, outside = f"sz{self.tag}{name}", f"sz{self.tag}v{number}"
        address = str(self.subnet[number])
        _ip("netns", "add", namespace)
        self.machines[name] = namespace
        _ip("link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", namespace)
        _ip("link", "set", outside, "master", self.bridge, "up")
        for command in (("addr", "add", f"{address}/{self.subnet.prefixlen}", "dev", "eth0"),
                        ("link", "set", "eth0", "up"), ("link", "set", "lo", "up")):
            _ip("-n", namespace, *command)
        return address

    def prefix(self, name):
        command = ["ip", "netns", "exec", self.machines[name]]
        return command if os.geteuid() == 0 else ["sudo", "-n", "-E", *command]

    def __exit__(self, *exc):
        for namespace in self.machines.values():
            with contextlib.suppress(subprocess.CalledProcessError):
                _ip("netns", "del", namespace)  # takes its end of the veth pair, and so both ends
        with contextlib.suppress(subprocess.CalledProcessError):
            _ip("link", "del", self.bridge)
