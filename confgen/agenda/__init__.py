"""The agenda: its rules (hard and soft), the slot grid, and the solver that places sessions."""
