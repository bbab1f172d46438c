"""An independent S3-compatible server for media tests: the npm package s3rver (version 3), run by the
machine's Node.js on loopback. It refuses unknown access keys (though it does not check SigV4
signatures) and answers anonymous reads, as a public-read bucket does.

Installed on first use and reused, like the OpenID Connect peer (tests/npm_peers.py).
"""

import secrets
from pathlib import Path

import pytest

from tests import npm_peers
from tests.instances import free_port

VERSION = "3"
# s3rver's one account; any other access key is refused with InvalidAccessKeyId.
ACCESS_KEY = SECRET_KEY = "S3RVER"


class S3Peer:
    """A running s3rver: its endpoint, and a boto3 client of our own to look into its buckets."""

    def __init__(self, data_dir):
        folder = npm_peers.install("s3rver", VERSION, "the S3 peer")
        for attempt in range(1, 4):
            self.port = free_port()
            self.endpoint = f"http://127.0.0.1:{self.port}"
            try:
                self.process = npm_peers.start(
                    ["node", folder / "node_modules" / "s3rver" / "bin" / "s3rver.js", "--directory", data_dir,
                     "--address", "127.0.0.1", "--port", str(self.port), "--silent", "--no-vhost-buckets"],
                    cwd=folder, log=Path(data_dir) / "s3rver.log", port=self.port, what="the S3 peer (s3rver)",
                )
                return
            except npm_peers.PortTaken:
                # Another process took the port before s3rver bound it: try another one.
                if attempt == 3:
                    raise

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3", endpoint_url=self.endpoint, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
            config=Config(request_checksum_calculation="when_required", response_checksum_validation="when_required"),
        )

    def new_bucket(self):
        name = f"media-{secrets.token_hex(4)}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket):
        listing = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def get(self, bucket, key):
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()

    def env(self, bucket):
        """The settings that put an instance's uploads in `bucket`."""
        return dict(
            SAMIZDAT_MEDIA_S3_BUCKET=bucket, SAMIZDAT_MEDIA_S3_ENDPOINT_URL=self.endpoint,
            SAMIZDAT_MEDIA_S3_ACCESS_KEY=ACCESS_KEY, SAMIZDAT_MEDIA_S3_SECRET_KEY=SECRET_KEY,
            SAMIZDAT_MEDIA_S3_REGION="us-east-1",
        )

    def stop(self):
        npm_peers.stop(self.process)


@pytest.fixture(scope="session")
def s3_peer(tmp_path_factory):
    peer = S3Peer(tmp_path_factory.mktemp("s3rver"))
    yield peer
    peer.stop()


@pytest.fixture
def bucket_storage(s3_peer, settings):
    """This process's uploads in a new bucket of the S3 peer, through the settings an admin would set; its name."""
    from samizdat.config.settings import s3_media_storage

    bucket = s3_peer.new_bucket()
    settings.SAMIZDAT_MEDIA_S3_BUCKET = bucket
    settings.STORAGES = {**settings.STORAGES, "default": s3_media_storage(s3_peer.env(bucket))}
    return bucket
