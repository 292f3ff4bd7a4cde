"""Class pages: joining, leaderboards and the teacher views."""
