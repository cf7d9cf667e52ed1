"""Give a person a role in a city from the shell: how a new city gets its first administrator."""

from django.core.management.base import BaseCommand, CommandError

from quartier.accounts.models import User
from quartier.cities.models import City
from quartier.core.errors import DomainError
from quartier.participation.models import CityRole
from quartier.participation.services import role_grant_by_system


class Command(BaseCommand):
    help = "Grant a city role (admin, moderator, evaluator) to an existing account."

    def add_arguments(self, parser):
        parser.add_argument("city", help="the city's slug, e.g. dortmund")
        parser.add_argument("email", help="the account's email address")
        parser.add_argument("role", choices=CityRole.Role.values)

    def handle(self, *args, city: str, email: str, role: str, **options):
        the_city = City.objects.filter(slug=city).first()
        if the_city is None:
            raise CommandError(f"No city with the slug {city!r}.")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account with the email address {email!r}.")
        try:
            role_grant_by_system(city=the_city, user=user, role=role)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"{user.email} is {role} in {the_city.name}."))
