import { AppError } from '../errors.ts';
import type { Actor, Role } from '../context.ts';

/**
 * The authorization check every action must run. The registry refuses an action that returns
 * without having called one of these (a forgotten check fails loudly instead of leaking).
 */
export class Authz {
  checked = false;
  constructor(readonly actor: Actor) {}

  /** Anyone, signed in or not, may do this. */
  allowAnyone(): void {
    this.checked = true;
  }

  /** A signed-in user (or the operator). */
  requireSignedIn(): void {
    this.checked = true;
    if (this.actor.kind === 'anonymous') {
      throw new AppError('unauthenticated', 'This needs a signed-in user. Send an API token in the header "Authorization: Bearer <token>" (create one with `dataville token add`).');
    }
  }

  /** One of the roles in the organization (instance admins and the operator always pass). */
  requireRole(organizationId: string, roles: Role[], what: string): void {
    this.requireSignedIn();
    if (this.isOperatorOrSuperadmin()) return;
    const role = this.actor.kind === 'user' ? this.actor.roles[organizationId] : undefined;
    if (!role || !roles.includes(role)) {
      throw new AppError('forbidden', `You may not ${what}: it needs the role ${roles.join(' or ')} in this organization${role ? `, and you are ${role}` : ', and you have no role there'}. Ask an admin of the organization to grant it.`);
    }
  }

  /** Instance administrator or operator only. */
  requireSuperadmin(what: string): void {
    this.requireSignedIn();
    if (!this.isOperatorOrSuperadmin()) throw new AppError('forbidden', `You may not ${what}: only an instance administrator may.`);
  }

  /** Whether the actor may see non-published datasets of an organization (a set-returning check for lists). */
  canSeeUnpublished(organizationId: string): boolean {
    if (this.isOperatorOrSuperadmin()) return true;
    return this.actor.kind === 'user' && organizationId in this.actor.roles;
  }

  /** Organizations whose unpublished datasets the actor sees: 'all', or a list of ids. */
  visibleOrganizations(): 'all' | string[] {
    if (this.isOperatorOrSuperadmin()) return 'all';
    return this.actor.kind === 'user' ? Object.keys(this.actor.roles) : [];
  }

  /**
   * Whether the actor may see versions held by the privacy gate (personal data waiting for the DPO):
   * the organization's admins, editors (who published them) and DPO, never its viewers or the public.
   */
  canSeeHeldData(organizationId: string): boolean {
    if (this.isOperatorOrSuperadmin()) return true;
    const role = this.actor.kind === 'user' ? this.actor.roles[organizationId] : undefined;
    return role === 'admin' || role === 'editor' || role === 'dpo';
  }

  isOperatorOrSuperadmin(): boolean {
    return this.actor.kind === 'system' || (this.actor.kind === 'user' && this.actor.superadmin);
  }
}
