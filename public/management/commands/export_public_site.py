"""python manage.py export_public_site MUNICIPALITY STRATEGY OUTPUT [--zip]: the public site
of a strategy's published years as static files (public.static_export)."""

import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from public.static_export import export_site


class Command(BaseCommand):
    help = "Write the public pages and open data of a strategy's published years as static files."

    def add_arguments(self, parser):
        parser.add_argument("municipality", help="municipality code, e.g. sasebo")
        parser.add_argument("strategy", help="strategy code, e.g. sasebo-dx")
        parser.add_argument("output", help="a folder to write into (made if missing), or a .zip file with --zip")
        parser.add_argument("--zip", action="store_true", help="write a zip file instead of a folder")

    def handle(self, *args, municipality, strategy, output, zip, **options):
        output = Path(output)
        try:
            if zip:
                with tempfile.TemporaryDirectory() as folder:
                    files = export_site(municipality=municipality, strategy=strategy, directory=Path(folder))
                    archive = shutil.make_archive(str(output.with_suffix("")), "zip", folder)
                self.stdout.write(f"{len(files)} files → {archive}")
            else:
                output.mkdir(parents=True, exist_ok=True)
                files = export_site(municipality=municipality, strategy=strategy, directory=output)
                self.stdout.write(f"{len(files)} files → {output}")
        except LookupError as error:
            raise CommandError(str(error)) from error
