-- Resolving the `staff` audience of a notice (enabled reviewers and admins) inside each
-- command's write without scanning every account.
CREATE INDEX users_staff ON users (role) WHERE role IN ('reviewer', 'admin');
