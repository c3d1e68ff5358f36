"""Views by area; thin: access by `compliance.access`, reads by `compliance.register`, writes by `compliance.services`."""
