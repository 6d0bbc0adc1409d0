"""A minimal Django project for the integration's tests: Django's own sign-in and sign-out views, one protected page."""
