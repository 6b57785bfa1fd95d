"""Staff accounts: two-factor authentication (django-otp) on top of the throttled admin login."""
