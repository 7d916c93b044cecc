"""Facilitators on duty: training modules and records, professional verifications, the duty
rota and its one-off changes, time away, escalation notices (unique per subject, step and
person), debrief notes, slow mode on threads, timeouts' logged expiry, and each facilitator's
choice of escalation e-mail.

Revision ID: a9c8ebc2c2c9
Revises: d8f1a3c5e7b9
Create Date: 2026-12-06 13:21:50.605663

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9c8ebc2c2c9'
down_revision = 'd8f1a3c5e7b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('training_modules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('validity_days', sa.Integer(), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_modules')),
    sa.UniqueConstraint('name', name=op.f('uq_training_modules_name'))
    )
    op.create_table('facilitator_aways',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_facilitator_aways_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facilitator_aways'))
    )
    with op.batch_alter_table('facilitator_aways', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facilitator_aways_user_id'), ['user_id'], unique=False)

    op.create_table('professional_verifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('profession', sa.String(length=120), nullable=False),
    sa.Column('registration', sa.String(length=120), nullable=False),
    sa.Column('verified_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_professional_verifications_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_professional_verifications_verified_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_professional_verifications'))
    )
    with op.batch_alter_table('professional_verifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_professional_verifications_user_id'), ['user_id'], unique=False)

    op.create_table('training_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_key', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_training_notices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_notices')),
    sa.UniqueConstraint('record_key', 'kind', name='uq_training_notice')
    )
    with op.batch_alter_table('training_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_notices_user_id'), ['user_id'], unique=False)

    op.create_table('training_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('signed_off_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['training_modules.id'], name=op.f('fk_training_records_module_id_training_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signed_off_by_id'], ['users.id'], name=op.f('fk_training_records_signed_off_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_training_records_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_records'))
    )
    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_records_module_id'), ['module_id'], unique=False)
        batch_op.create_index('ix_training_records_user_module', ['user_id', 'module_id'], unique=False)

    op.create_table('duty_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('on_duty', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['boards.id'], name=op.f('fk_duty_changes_board_id_boards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_duty_changes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_changes'))
    )
    with op.batch_alter_table('duty_changes', schema=None) as batch_op:
        batch_op.create_index('ix_duty_changes_board_time', ['board_id', 'ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_changes_user_id'), ['user_id'], unique=False)

    op.create_table('duty_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('starts_minute', sa.Integer(), nullable=False),
    sa.Column('ends_minute', sa.Integer(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('starts_minute >= 0 AND ends_minute <= 1440 AND starts_minute < ends_minute', name=op.f('ck_duty_slots_minutes')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_duty_slots_weekday')),
    sa.ForeignKeyConstraint(['board_id'], ['boards.id'], name=op.f('fk_duty_slots_board_id_boards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_duty_slots_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_slots'))
    )
    with op.batch_alter_table('duty_slots', schema=None) as batch_op:
        batch_op.create_index('ix_duty_slots_board', ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_slots_user_id'), ['user_id'], unique=False)

    op.create_table('escalation_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['boards.id'], name=op.f('fk_escalation_notices_board_id_boards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_escalation_notices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_notices')),
    sa.UniqueConstraint('subject', 'step', 'user_id', name='uq_escalation_notice')
    )
    with op.batch_alter_table('escalation_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalation_notices_subject'), ['subject'], unique=False)
        batch_op.create_index(batch_op.f('ix_escalation_notices_user_id'), ['user_id'], unique=False)

    op.create_table('debrief_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_debrief_notes_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_debrief_notes_report_id_reports'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_debrief_notes'))
    )
    with op.batch_alter_table('debrief_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_debrief_notes_author_id'), ['author_id'], unique=False)

    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expiry_logged_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slow_mode_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('slow_mode_until', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('escalation_email', sa.Boolean(), nullable=False, server_default="1"))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('escalation_email')
    if op.get_bind().dialect.name == "sqlite":  # the rebuild dropped them
        op.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_users_username_lower ON users (lower(username))"
        )
        op.execute("CREATE UNIQUE INDEX IF NOT EXISTS uq_users_email_lower ON users (lower(email))")

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_column('slow_mode_until')
        batch_op.drop_column('slow_mode_minutes')

    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.drop_column('expiry_logged_at')

    with op.batch_alter_table('debrief_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_debrief_notes_author_id'))

    op.drop_table('debrief_notes')
    with op.batch_alter_table('escalation_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalation_notices_user_id'))
        batch_op.drop_index(batch_op.f('ix_escalation_notices_subject'))

    op.drop_table('escalation_notices')
    with op.batch_alter_table('duty_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_slots_user_id'))
        batch_op.drop_index('ix_duty_slots_board')

    op.drop_table('duty_slots')
    with op.batch_alter_table('duty_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_changes_user_id'))
        batch_op.drop_index('ix_duty_changes_board_time')

    op.drop_table('duty_changes')
    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.drop_index('ix_training_records_user_module')
        batch_op.drop_index(batch_op.f('ix_training_records_module_id'))

    op.drop_table('training_records')
    with op.batch_alter_table('training_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_notices_user_id'))

    op.drop_table('training_notices')
    with op.batch_alter_table('professional_verifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_professional_verifications_user_id'))

    op.drop_table('professional_verifications')
    with op.batch_alter_table('facilitator_aways', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facilitator_aways_user_id'))

    op.drop_table('facilitator_aways')
    op.drop_table('training_modules')
