"""The law's arithmetic, pure: no Django, no settings, no clock. Plain data in, plain data out.

- `calendar`: Korean business days and holidays.
- `deadlines`: a rule and dates → a due date with its derivation.
- `law`: which provision version is in force on a day.
- `obligations`: duty rules applied to what happened, with a status as of a date.
- `alerts`: which alert stages are due on a day.
"""
