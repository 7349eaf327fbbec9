"""The public portal: publications of a fiscal year (an immutable snapshot of the approved
figures and texts), the pages citizens read without logging in, and their open data."""
