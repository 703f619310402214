"""听证 (arts. 31(6), 36): the hearing record, and the days it takes off the re-examination clock."""
