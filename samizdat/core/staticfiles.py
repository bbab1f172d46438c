"""Static files with their content's hash in the name, so browsers may keep them for a year."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed, compressed copies once `collectstatic` has run; plain names before.

    `samizdat serve` collects the files (writing the manifest) before it starts; a checkout that
    never collected them (tests, development) links the apps' own files by their plain names.
    """

    manifest_strict = False

    def stored_name(self, name):
        if not self.hashed_files:
            return name
        return super().stored_name(name)
