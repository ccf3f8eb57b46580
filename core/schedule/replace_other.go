//go:build !unix

package schedule

// checkReplaceable checks nothing here: Windows protects files with access control lists,
// which Unix mode bits do not describe; an app installed under Program Files can be changed
// only by administrators.
func checkReplaceable(string) error { return nil }
