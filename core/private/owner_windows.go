package private

import (
	"fmt"
	"io/fs"

	"golang.org/x/sys/windows"
)

// checkOwner accepts every folder: a folder of another user is refused by restrict instead,
// since only its owner (or an administrator) may change its access-control list.
func checkOwner(string, fs.FileInfo) error { return nil }

// restrict is what mode 0700 and 0600 are on Unix: the folder or file gets a protected DACL
// (nothing inherited from the folders above) that grants full control to the current user and
// to SYSTEM alone, and that files and folders made in it inherit. SYSTEM is the operating
// system itself, which can read every file whatever the DACL says; granting it keeps backups,
// restores and the system's own services working, and hides nothing from another person.
// Administrators are left out: they are other people on a shared desktop, and taking
// ownership of the folder to read it is an explicit act that Windows records.
func restrict(path string, _ fs.FileInfo) error {
	acl, err := ownerOnlyACL()
	if err != nil {
		return err
	}
	return windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, acl, nil)
}

// ownerOnlyACL is the DACL restrict sets.
func ownerOnlyACL() (*windows.ACL, error) {
	user, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("who is the current user: %w", err)
	}
	system, err := windows.CreateWellKnownSid(windows.WinLocalSystemSid)
	if err != nil {
		return nil, fmt.Errorf("the SYSTEM account: %w", err)
	}
	entries := make([]windows.EXPLICIT_ACCESS, 0, 2)
	for _, sid := range []*windows.SID{user.User.Sid, system} {
		entries = append(entries, windows.EXPLICIT_ACCESS{
			AccessPermissions: windows.GENERIC_ALL,
			AccessMode:        windows.SET_ACCESS,
			Inheritance:       windows.SUB_CONTAINERS_AND_OBJECTS_INHERIT,
			Trustee: windows.TRUSTEE{
				TrusteeForm:  windows.TRUSTEE_IS_SID,
				TrusteeType:  windows.TRUSTEE_IS_UNKNOWN,
				TrusteeValue: windows.TrusteeValueFromSID(sid),
			},
		})
	}
	return windows.ACLFromEntries(entries, nil)
}
