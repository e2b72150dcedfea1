"""`manage.py ratings_recompute`: rebuild every vendor's ratings rollup (its count and sums, which
the catalogue's averages and its "best rated" sort read) from the ratings themselves."""

from django.core.management.base import BaseCommand

from ratings.services import vendor_ratings_recompute


class Command(BaseCommand):
    help = "Recompute each vendor's ratings count and sums from its ratings."

    def handle(self, *args, **options):
        corrected = vendor_ratings_recompute()
        self.stdout.write(f"{corrected} vendors corrected.")
