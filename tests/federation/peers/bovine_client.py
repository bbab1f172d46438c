"""Act as the bovine peer's user through its client-to-server API (run with the peer's Python).

Usage: bovine_client.py DOMAIN SECRET CMD [ARG...]
CMD: whoami | follow ACTOR | following | inbox | reply URL TEXT | like URL | undo-like LIKE_ID
     | accept-follows | note TEXT
Prints JSON, one document a line. Adapted from ../shared/peers/bovine/client.py.
"""

import asyncio
import json
import sys

from bovine import BovineClient

AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = AS + "#Public"


async def collection(client, url):
    data = await client.get(url)
    if isinstance(data.get("first"), str):
        data = await client.get(data["first"])
    items = data.get("orderedItems", data.get("items", []))
    items = items if isinstance(items, list) else [items]
    out = []
    for item in items:
        if isinstance(item, str):
            try:
                item = await client.proxy(item)
            except Exception as exc:  # an item the peer cannot fetch
                item = {"id": item, "error": str(exc)}
        out.append(item)
    return out


async def main(domain, secret, cmd, *args):
    async with BovineClient(domain=domain, secret=secret) as client:
        me = client.information
        if cmd == "whoami":
            print(json.dumps(me))
        elif cmd == "follow":
            activity = client.activity_factory.follow(args[0]).build()
            response = await client.send_to_outbox(activity)
            print(json.dumps({"status": response.status}))
        elif cmd in ("following", "inbox"):
            for item in await collection(client, me[cmd]):
                print(json.dumps(item))
        elif cmd == "reply":
            url, text, to = args
            note = {"type": "Note", "attributedTo": me["id"], "content": text, "inReplyTo": url,
                    "to": [PUBLIC], "cc": [to, me["followers"]]}
            activity = {"@context": AS, "type": "Create", "actor": me["id"], "to": [PUBLIC],
                        "cc": [to, me["followers"]], "object": note}
            response = await client.send_to_outbox(activity)
            print(json.dumps({"status": response.status, "location": response.headers.get("location")}))
        elif cmd == "note":
            # A public note to the user's followers.
            note = {"type": "Note", "attributedTo": me["id"], "content": args[0], "to": [PUBLIC],
                    "cc": [me["followers"]]}
            activity = {"@context": AS, "type": "Create", "actor": me["id"], "to": [PUBLIC], "cc": [me["followers"]],
                        "object": note}
            response = await client.send_to_outbox(activity)
            print(json.dumps({"status": response.status, "location": response.headers.get("location")}))
        elif cmd == "accept-follows":
            # bovine never accepts a follow by itself: accept every Follow in the inbox.
            for item in await collection(client, me["inbox"]):
                if item.get("type") != "Follow":
                    continue
                actor = item["actor"]["id"] if isinstance(item["actor"], dict) else item["actor"]
                target = item["object"]["id"] if isinstance(item["object"], dict) else item["object"]
                accept = {"@context": AS, "type": "Accept", "actor": me["id"], "to": [actor],
                          "object": {"type": "Follow", "id": item["id"], "actor": actor, "object": target}}
                response = await client.send_to_outbox(accept)
                print(json.dumps({"accepted": item["id"], "status": response.status}))
        elif cmd == "like":
            url, to = args
            activity = {"@context": AS, "type": "Like", "actor": me["id"], "object": url, "to": [to]}
            response = await client.send_to_outbox(activity)
            print(json.dumps({"status": response.status, "location": response.headers.get("location")}))


asyncio.run(main(*sys.argv[1:]))
