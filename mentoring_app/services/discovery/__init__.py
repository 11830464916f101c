"""Finding a mentor: profiles, the matching vocabulary, the search and mentor alerts."""
