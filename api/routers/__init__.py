"""The API's endpoints, one router per subject; each is thin and calls tracker/analytics."""
