"""The read API, /api/v1/ (Django REST framework); its URLs are in `compliance.urls`."""
