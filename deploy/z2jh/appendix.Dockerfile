# Appended by repo2docker (--appendix) to the image it builds from binder/: what a hub needs beyond Binder.
# nbgitpuller pulls the tutorials into each learner's home (values.yaml, lifecycleHooks.postStart); pinned to
# the version requirements/constraints.txt tests with.
RUN python -m pip install --no-cache-dir nbgitpuller==1.3.0
