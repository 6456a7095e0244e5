"""What readers get beyond the pages themselves: calendars, the reader's own schedule, offline use."""
