"""Sign-in: the city's directory (LDAP / Active Directory), a trusted header from the city's
reverse proxy or SAML gateway, and the login form's messages.

Lock-out after repeated failures is django-axes (settings in dxplan/settings.py); the
password rules are Django's validators (AUTH_PASSWORD_VALIDATORS). See the README's
"Sign-in" section.
"""
