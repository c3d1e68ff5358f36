"""Files in and out: uploads (`uploads`), record tables (`tables`), resources, exports."""
