"""Backups: the database and the media tree in one tar.gz with a manifest, and restoring one.

The database copy is consistent while the site runs: SQLite's online backup API copies the
database in one step under a read lock (WAL lets writers go on); for PostgreSQL, pg_dump runs on a
snapshot exported from the transaction that counted the rows, so the counts in the manifest match
the dump. The manifest (written last) holds the SHA-256 of every other member; restoring reads the
whole file and checks them before it changes anything.
"""

import datetime
import glob
import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, transaction

from samizdat.core.storage import walk

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
SECRET_KEY_MEMBER = "secret_key"
OIDC_KEY_MEMBER = "oidc_key.pem"
MEDIA_PREFIX = "media/"
# Tables whose rows make a database "not empty" for restore: content, not what migrations create.
CONTENT_MODELS = ("accounts.User", "blogs.Blog", "posts.Post", "posts.Media", "comments.Comment")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the command line."""


def _key_files():
    """The instance's keys, by their name in a backup: the secret key that signs sessions and links, and
    the key that signs the OpenID Connect ID tokens it issues (apps that sign in with the instance
    trust that one). Blogs' ActivityPub keys live in the database."""
    return {SECRET_KEY_MEMBER: Path(settings.DATA_DIR) / "secret_key",
            OIDC_KEY_MEMBER: Path(settings.SAMIZDAT_OIDC_KEY_FILE)}


def _engine():
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _tables():
    """{"app_label.Model": table} for every concrete model."""
    return {
        model._meta.label: model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def _count(cursor, tables, existing):
    quote = connection.ops.quote_name
    counts = {}
    for label, table in sorted(tables.items()):
        if table in existing:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[label] = cursor.fetchone()[0]
    return counts


def find_program(name):
    """The path of a PostgreSQL client program: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")

    def version(path):
        part = Path(path).parent.parent.name
        return tuple(int(p) for p in part.split(".") if p.isdigit())

    for path in sorted(candidates, key=version, reverse=True):
        if os.access(path, os.X_OK):
            return path
    raise BackupError(
        f"{name} was not found on PATH or in /usr/lib/postgresql/*/bin. Install the PostgreSQL client "
        f"(Debian: apt-get install postgresql-client), the same major version as the server or newer."
    )


def _pg_args_env():
    db = settings.DATABASES["default"]
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env, db["NAME"]


def _dump_sqlite(target):
    """Copy the database with the online backup API; the row counts of the copy."""
    connection.ensure_connection()
    dst = sqlite3.connect(target)
    try:
        # pages=-1 (the default): the whole database in one step, so the copy is one moment's state.
        connection.connection.backup(dst)
        cursor = dst.cursor()
        existing = {row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        quote = connection.ops.quote_name
        counts = {}
        for label, table in sorted(_tables().items()):
            if table in existing:
                counts[label] = cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}").fetchone()[0]
    finally:
        dst.close()
    return counts


def _dump_postgres(target):
    """pg_dump in custom format on a snapshot shared with the row counts; the counts."""
    pg_dump = find_program("pg_dump")
    args, env, name = _pg_args_env()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            existing = set(connection.introspection.table_names(cursor))
            counts = _count(cursor, _tables(), existing)
        done = subprocess.run(
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
             "-f", str(target), *args, name],
            env=env, capture_output=True, text=True,
        )
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return counts


class _Hashing:
    """A file object that hashes what is read through it."""

    def __init__(self, raw):
        self.raw, self.sha = raw, hashlib.sha256()

    def read(self, size=-1):
        data = self.raw.read(size)
        self.sha.update(data)
        return data


def _add_file(tar, path, arcname):
    """Add a file, hashing it as it goes in; its SHA-256, or None if it vanished meanwhile."""
    try:
        raw = open(path, "rb")
    except FileNotFoundError:
        return None
    with raw:
        info = tar.gettarinfo(fileobj=raw, arcname=arcname)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        hashing = _Hashing(raw)
        tar.addfile(info, hashing)
    return hashing.sha.hexdigest()


def _media_files(root):
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _in_bucket():
    """Whether uploads live in an S3-compatible bucket (SAMIZDAT_MEDIA_S3_BUCKET), not in MEDIA_ROOT."""
    return not isinstance(default_storage, FileSystemStorage)


def _media_names():
    """The names of every upload, in the media folder or the bucket."""
    if _in_bucket():
        return walk(default_storage)
    root = Path(settings.MEDIA_ROOT)
    return [file.relative_to(root).as_posix() for file in _media_files(root)]


def _add_media(tar, name, arcname):
    """Add one upload, from the folder or copied out of the bucket; its SHA-256, or None if it vanished."""
    if not _in_bucket():
        return _add_file(tar, Path(settings.MEDIA_ROOT) / name, arcname)
    try:
        raw = default_storage.open(name, "rb")
        size = raw.size
    except FileNotFoundError:
        return None
    with raw:
        info = tarfile.TarInfo(arcname)
        info.size, info.mode = size, 0o644
        info.mtime = int(default_storage.get_modified_time(name).timestamp())
        hashing = _Hashing(raw)
        tar.addfile(info, hashing)
    return hashing.sha.hexdigest()


def _restore_bucket(folder, progress):
    """Put the backup's uploads in the bucket, then remove the bucket's files the backup does not hold."""
    restored = set()
    for file in _media_files(folder):
        name = file.relative_to(folder).as_posix()
        if default_storage.exists(name):
            default_storage.delete(name)
        with open(file, "rb") as f:
            saved = default_storage.save(name, File(f))
        if saved != name:
            raise BackupError(f"The bucket renamed {name} to {saved}; restore again with --force.")
        restored.add(name)
    for name in walk(default_storage):
        if name not in restored:
            default_storage.delete(name)
    progress(f"  {len(restored)} files in the bucket {settings.SAMIZDAT_MEDIA_S3_BUCKET}")


def create_backup(path, *, with_secret_key=False, progress=print):
    """Write a backup of the database and media to `path`; the manifest."""
    engine = _engine()
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".samizdat-backup-") as scratch:
        progress(f"Copying the {'SQLite' if engine == 'sqlite' else 'PostgreSQL'} database…")
        member = SQLITE_MEMBER if engine == "sqlite" else POSTGRES_MEMBER
        dump = Path(scratch) / member
        counts = (_dump_sqlite if engine == "sqlite" else _dump_postgres)(dump)
        progress(f"  {dump.stat().st_size:,} bytes; {sum(counts.values()):,} rows in {len(counts)} tables")
        # Owner-only from the first byte: a backup holds password hashes and email addresses.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            manifest = _write_archive(fd, dump, member, counts, engine, with_secret_key, progress)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, path)
    return manifest


def _write_archive(fd, dump, member, counts, engine, with_secret_key, progress):
    """Write the dump, the secret key if asked, the media and the manifest (last) as a tar.gz to `fd`."""
    checksums = {}
    with os.fdopen(fd, "wb") as out, tarfile.open(fileobj=out, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        checksums[member] = _add_file(tar, dump, member)
        if with_secret_key:
            for name, key in _key_files().items():
                if key.exists():
                    checksums[name] = _add_file(tar, key, name)
        files = _media_names()
        progress(f"Adding media: {len(files)} files…")
        media_bytes = 0
        for number, name in enumerate(files, 1):
            arcname = MEDIA_PREFIX + name
            digest = _add_media(tar, name, arcname)
            if digest is not None:
                checksums[arcname] = digest
                media_bytes += tar.members[-1].size
            if number % 100 == 0:
                progress(f"  {number}/{len(files)} files")
        manifest = {
            "format": FORMAT,
            "version": metadata.version("samizdat"),
            "engine": engine,
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "database": member,
            "counts": counts,
            "media_files": sum(1 for name in checksums if name.startswith(MEDIA_PREFIX)),
            "media_bytes": media_bytes,
            "sha256": checksums,
        }
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode = len(data), 0o600
        info.mtime = int(datetime.datetime.now().timestamp())
        tar.addfile(info, io.BytesIO(data))
    return manifest


def _safe_name(name):
    parts = Path(name).parts
    return name and not Path(name).is_absolute() and ".." not in parts and "\\" not in name


def read_manifest(path, *, progress=print):
    """Read the whole backup, check every member against the manifest; the manifest."""
    hashes, manifest = {}, None
    try:
        with gzip.open(path, "rb") as gz, tarfile.open(fileobj=gz, mode="r|") as tar:
            for info in tar:
                if not info.isfile() or not _safe_name(info.name) or info.name in hashes:
                    raise BackupError(f"{path} is not a Samizdat backup: it holds “{info.name}”.")
                raw = tar.extractfile(info)
                if info.name == MANIFEST:
                    manifest = json.loads(raw.read(64 * 1024 * 1024))
                    continue
                sha = hashlib.sha256()
                while chunk := raw.read(1024 * 1024):
                    sha.update(chunk)
                hashes[info.name] = sha.hexdigest()
            # tarfile stops at the end-of-archive blocks; reading on to gzip's trailer checks its CRC.
            while gz.read(1024 * 1024):
                pass
    except FileNotFoundError:
        raise BackupError(f"There is no file {path}.")
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError) as exc:
        raise BackupError(f"{path} is corrupt or truncated ({exc or type(exc).__name__}); nothing was changed.")
    if not isinstance(manifest, dict) or "sha256" not in manifest:
        raise BackupError(f"{path} has no manifest: it is not a Samizdat backup, or it is truncated; "
                          "nothing was changed.")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is in backup format {manifest.get('format')}; this Samizdat reads format "
                          f"{FORMAT}. Restore it with the version that made it ({manifest.get('version')}).")
    expected = manifest["sha256"]
    missing = sorted(set(expected) - set(hashes))
    extra = sorted(set(hashes) - set(expected))
    wrong = sorted(name for name in set(expected) & set(hashes) if expected[name] != hashes[name])
    if missing or extra or wrong:
        problems = [f"{label}: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}"
                    for label, names in (("missing", missing), ("not in the manifest", extra),
                                         ("checksum differs", wrong)) if names]
        raise BackupError(f"{path} does not match its manifest ({'; '.join(problems)}); nothing was changed.")
    progress(f"Checked {len(hashes)} files against the manifest: all match.")
    return manifest


def _content_rows():
    """How many content rows (users, blogs, posts, media, comments) the database holds."""
    tables = {label: table for label, table in _tables().items() if label in CONTENT_MODELS}
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        return sum(_count(cursor, tables, existing).values())


def _restore_sqlite(dump):
    connection.ensure_connection()
    src = sqlite3.connect(dump)
    try:
        # Into the open database, through its connection, so a WAL file or another open
        # connection sees the restored pages and nothing is left of the old ones.
        src.backup(connection.connection)
    finally:
        src.close()


def _restore_postgres(dump):
    """Replace the schema with the dump's, in one transaction: a failure leaves the database as it was."""
    pg_restore, psql = find_program("pg_restore"), find_program("psql")
    args, env, name = _pg_args_env()
    script = subprocess.run([pg_restore, "--no-owner", "--no-privileges", "-f", "-", str(dump)],
                            env=env, capture_output=True)
    if script.returncode != 0:
        raise BackupError(f"pg_restore could not read the dump: {script.stderr.decode(errors='replace').strip()}")
    connection.close()
    sql = b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n" + script.stdout
    done = subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", *args, "-d", name],
                          input=sql, env=env, capture_output=True)
    if done.returncode != 0:
        raise BackupError(f"Restoring into PostgreSQL failed, nothing was changed: "
                          f"{done.stderr.decode(errors='replace').strip()}")


def restore_backup(path, *, force=False, progress=print):
    """Restore a backup into this instance's database and media folder; the manifest.

    Refuses a database or media folder with content unless `force`. Migrations are left to the caller.
    """
    engine = _engine()
    progress(f"Checking {path}…")
    manifest = read_manifest(path, progress=progress)
    if manifest.get("engine") != engine:
        raise BackupError(f"This backup is of a {manifest.get('engine')} database; this instance uses {engine}. "
                          "Nothing was changed.")
    media_root = Path(settings.MEDIA_ROOT)
    rows = _content_rows()
    has_media = bool(_media_names())
    if (rows or has_media) and not force:
        what = " and ".join(w for w, present in ((f"{rows} rows of content", rows), ("media files", has_media))
                            if present)
        raise BackupError(f"This instance is not empty (its database holds {what}). "
                          "Restore into a fresh instance, or add --force to replace everything in it. "
                          "Nothing was changed.")
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".samizdat-restore-") as scratch:
        scratch = Path(scratch)
        progress("Unpacking…")
        with tarfile.open(path, mode="r:gz") as tar:
            for info in tar:
                if info.name not in manifest["sha256"]:
                    continue
                target = scratch / info.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(info) as src, open(target, "wb") as dst:
                    hashing = _Hashing(src)
                    shutil.copyfileobj(hashing, dst)
                # Checked again as it is unpacked, in case the file changed since it was checked.
                if hashing.sha.hexdigest() != manifest["sha256"][info.name]:
                    raise BackupError(f"{path} changed while it was being restored; nothing was changed.")
        progress("Restoring the database…")
        dump = scratch / manifest["database"]
        (_restore_sqlite if engine == "sqlite" else _restore_postgres)(dump)
        tables = {label: table for label, table in _tables().items() if label in manifest["counts"]}
        with connection.cursor() as cursor:
            restored = _count(cursor, tables, set(connection.introspection.table_names(cursor)))
        differ = sorted(label for label, count in restored.items() if manifest["counts"][label] != count)
        if differ:
            raise BackupError(f"The restored database's row counts differ from the manifest's ({', '.join(differ)}): "
                              "the database was replaced but may be incomplete; the media were not restored.")
        progress(f"  {sum(restored.values()):,} rows in {len(restored)} tables, as in the manifest")
        progress(f"Restoring media: {manifest['media_files']} files…")
        new_media = scratch / MEDIA_PREFIX.rstrip("/")
        if _in_bucket():
            _restore_bucket(new_media, progress)
        else:
            old = media_root.with_name(media_root.name + ".before-restore")
            if media_root.exists():
                shutil.rmtree(old, ignore_errors=True)
                media_root.rename(old)
            if new_media.exists():
                new_media.rename(media_root)
            else:
                media_root.mkdir()
            shutil.rmtree(old, ignore_errors=True)
        for name, destination in _key_files().items():
            key = scratch / name
            if key.exists():
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(key, destination)
                destination.chmod(0o600)
        if (scratch / SECRET_KEY_MEMBER).exists():
            progress("Restored the secret key (sessions signed before the backup stay valid).")
        if (scratch / OIDC_KEY_MEMBER).exists():
            progress("Restored the OpenID Connect signing key (apps signing in with this instance keep trusting it).")
    return manifest
