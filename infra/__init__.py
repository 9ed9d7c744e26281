"""jiefen shared machinery."""
import warnings

warnings.filterwarnings("ignore", message=".*Eventlet is deprecated.*")
